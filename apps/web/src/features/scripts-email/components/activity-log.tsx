import { hasMessage } from "@scripts-email/i18n/core";
import { useState } from "react";
import { BreakableText } from "../../../components/breakable-text.tsx";
import { DataTable } from "../../../components/data-table.tsx";
import { useI18n } from "../../../lib/i18n.tsx";
import { useHostingAudit } from "../api/get-hosting-audit.ts";

const PAGE = 10;
const MAX = 200;

/**
 * The hosting's activity log: the owner's and support's changes and support's reads of its mail,
 * newest first, the last ten then more. A customer sees support's entries as "Support".
 */
export function ActivityLog(props: { serviceName: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [limit, setLimit] = useState(PAGE);
  const log = useHostingAudit(props.serviceName, limit);
  const actionLabel = (action: string) => {
    const key = `web.audit.action.${action}`;
    return hasMessage(key) ? t(key) : <code>{action}</code>;
  };
  const full = log.data !== undefined && log.data.length >= limit && limit < MAX;
  return (
    <section className="card" aria-labelledby="activity-log-heading">
      <h2 id="activity-log-heading">{t("web.activity.title")}</h2>
      <p className="muted">{t("web.activity.explain")}</p>
      <DataTable
        query={log}
        labelledBy="activity-log-heading"
        empty={t("web.activity.empty")}
        // entries have no id; the list is only ever replaced whole
        rowKey={(entry, i) => `${entry.at}-${entry.action}-${i}`}
        columns={[
          {
            label: t("web.audit.col.at"),
            cell: (entry) => <time dateTime={entry.at}>{i18n.formatDateTime(entry.at)}</time>,
          },
          {
            label: t("web.audit.col.actor"),
            cell: (entry) =>
              entry.actorEmail ? (
                <BreakableText text={entry.actorEmail} />
              ) : entry.actorRole === "support" ? (
                t("web.activity.support")
              ) : (
                t(`web.role.${entry.actorRole}`)
              ),
          },
          { label: t("web.audit.col.action"), cell: (entry) => actionLabel(entry.action) },
          {
            label: t("web.audit.col.reason"),
            className: "break",
            cell: (entry) => entry.reason ?? "—",
          },
        ]}
      />
      {full && (
        <button
          type="button"
          className="button"
          onClick={() => setLimit((n) => Math.min(n * 5, MAX))}
        >
          {t("web.activity.more")}
        </button>
      )}
    </section>
  );
}
