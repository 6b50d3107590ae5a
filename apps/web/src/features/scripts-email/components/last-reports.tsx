import type { ReportSummary } from "@scripts-email/contracts";
import { ErrorAlert, Loading } from "../../../components/error-message.tsx";
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
      {reports.isPending && <Loading />}
      <ErrorAlert error={reports.error} />
      {reports.data?.length === 0 && <p className="muted">{t("web.reports.empty")}</p>}
      {reports.data && reports.data.length > 0 && (
        <div className="table-wrap">
          <table className="table responsive-table" aria-labelledby="reports-heading">
            <thead>
              <tr>
                <th scope="col">{t("web.reports.col.date")}</th>
                <th scope="col">{t("web.reports.col.recipient")}</th>
                <th scope="col">{t("web.reports.col.errors")}</th>
                <th scope="col">{t("web.reports.col.status")}</th>
              </tr>
            </thead>
            <tbody>
              {reports.data.map((r) => (
                <tr key={r.date}>
                  <td data-label={t("web.reports.col.date")}>
                    <time dateTime={r.date}>{i18n.formatDay(r.date, "long")}</time>
                  </td>
                  <td data-label={t("web.reports.col.recipient")} className="break">
                    {r.recipient}
                  </td>
                  <td data-label={t("web.reports.col.errors")}>{i18n.formatNumber(r.errors)}</td>
                  <td data-label={t("web.reports.col.status")}>
                    <span className={`report-status report-status-${r.status}`}>
                      {t(STATUS_KEY[r.status])}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
