import type { ReportSummary } from "@scripts-email/contracts";
import { DataTable } from "../../../components/data-table.tsx";
import { useI18n } from "../../../lib/i18n.tsx";
import { useEmailReports } from "../api/get-email-reports.ts";

const STATUS_KEY = {
  queued: "web.reports.status.queued",
  sent: "web.reports.status.sent",
  failed: "web.reports.status.failed",
} as const satisfies Record<ReportSummary["status"], string>;

/** The nightly error reports sent lately: which day, to whom, how many errors, delivered or not. */
export function LastReports(props: { serviceName: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const reports = useEmailReports(props.serviceName);

  return (
    <section className="card" aria-labelledby="reports-heading">
      <h2 id="reports-heading">{t("web.reports.heading")}</h2>
      <DataTable
        query={reports}
        labelledBy="reports-heading"
        empty={t("web.reports.empty")}
        rowKey={(r) => r.date}
        columns={[
          {
            label: t("web.reports.col.date"),
            cell: (r) => <time dateTime={r.date}>{i18n.formatDay(r.date, "long")}</time>,
          },
          { label: t("web.reports.col.recipient"), cell: (r) => r.recipient, className: "break" },
          { label: t("web.reports.col.errors"), cell: (r) => i18n.formatNumber(r.errors) },
          {
            label: t("web.reports.col.status"),
            cell: (r) => (
              <span className={`report-status report-status-${r.status}`}>
                {t(STATUS_KEY[r.status])}
              </span>
            ),
          },
        ]}
      />
    </section>
  );
}
