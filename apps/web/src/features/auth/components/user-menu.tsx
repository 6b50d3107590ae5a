import type { Me } from "@scripts-email/contracts";
import { useI18n } from "../../../lib/i18n.tsx";
import { useLogout } from "../api/logout.ts";

export function UserMenu(props: { user: Me }) {
  const { t } = useI18n();
  const logout = useLogout();
  return (
    <div className="user-menu">
      <span className="user-email" title={props.user.email}>
        {props.user.email}
      </span>
      {props.user.role === "support" && <span className="role-tag">{t("web.role.support")}</span>}
      <button
        type="button"
        className="button button-small"
        onClick={() => logout.mutate()}
        disabled={logout.isPending}
      >
        {t("web.logout")}
      </button>
    </div>
  );
}
