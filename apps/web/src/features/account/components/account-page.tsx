import type { Me } from "@scripts-email/contracts";
import { useI18n } from "../../../lib/i18n.tsx";
import { ApiTokens } from "./api-tokens.tsx";
import { PasswordForm } from "./password-form.tsx";
import { SessionsList } from "./sessions-list.tsx";

/** What signed-in users manage of their own: their password, sessions and API tokens. */
export function AccountPage(props: { user: Me }) {
  const { t } = useI18n();
  return (
    <>
      <h1 tabIndex={-1}>{t("web.account.title")}</h1>
      <p className="muted break">{props.user.email}</p>
      <div className="card-stack">
        <PasswordForm />
        <SessionsList />
        <ApiTokens />
      </div>
    </>
  );
}
