import type { HostingState } from "@scripts-email/contracts";
import { useI18n } from "../lib/i18n.tsx";

export function StateBadge(props: { state: HostingState }) {
  const { t } = useI18n();
  return (
    <span className={`badge badge-${props.state}`} data-state={props.state}>
      {t(`state.${props.state}`)}
    </span>
  );
}
