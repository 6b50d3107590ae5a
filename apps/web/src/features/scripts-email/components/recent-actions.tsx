import type { SelectionJob } from "@scripts-email/contracts";
import { useId } from "react";
import { BreakableText } from "../../../components/breakable-text.tsx";
import { ErrorAlert } from "../../../components/error-message.tsx";
import { type I18n, useI18n } from "../../../lib/i18n.tsx";
import { useSelectionJobs } from "../api/get-selection-jobs.ts";
import { describeFilter } from "./selection-words.ts";

/** Who started a job: their address, else "Support" (hidden from customers) or the system. */
function actorOf(job: SelectionJob, t: I18n["t"]): string {
  if (job.actorEmail) return job.actorEmail;
  if (job.actorRole === "support") return t("web.recentActions.support");
  return t(`web.role.${job.actorRole}`);
}

/**
 * The latest release and delete jobs of the hosting: who, when, which mail, how far. Shown once
 * there is one (a page without any stays compact).
 */
export function RecentActions(props: { serviceName: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const jobs = useSelectionJobs(props.serviceName);
  const headingId = useId();
  const label = (key: Parameters<typeof t>[0]) => ({ "data-label": t(key) });
  const items = jobs.data?.items;
  if (jobs.isPending || items?.length === 0) return null;

  return (
    <section className="card span-all" aria-labelledby={headingId}>
      <h2 id={headingId}>{t("web.recentActions.heading")}</h2>
      <ErrorAlert error={jobs.error} />
      {items && items.length > 0 && (
        <div className="table-wrap">
          <table className="table responsive-table" aria-labelledby={headingId}>
            <thead>
              <tr>
                <th scope="col">{t("web.recentActions.col.when")}</th>
                <th scope="col">{t("web.recentActions.col.who")}</th>
                <th scope="col">{t("web.recentActions.col.action")}</th>
                <th scope="col">{t("web.recentActions.col.mail")}</th>
                <th scope="col" className="num">
                  {t("web.recentActions.col.done")}
                </th>
                <th scope="col">{t("web.recentActions.col.state")}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((job) => (
                <tr key={job.id}>
                  <td {...label("web.recentActions.col.when")}>
                    <time dateTime={job.createdAt}>{i18n.formatDateTime(job.createdAt)}</time>
                  </td>
                  <td {...label("web.recentActions.col.who")}>
                    <BreakableText text={actorOf(job, t)} />
                  </td>
                  <td {...label("web.recentActions.col.action")}>
                    {t(`web.recentActions.action.${job.action}`)}
                  </td>
                  <td {...label("web.recentActions.col.mail")} className="break">
                    <span>
                      {describeFilter(job.filter, i18n)}
                      {job.reason && (
                        <span className="hint">
                          <br />
                          {t("web.history.reason", { reason: job.reason })}
                        </span>
                      )}
                    </span>
                  </td>
                  <td {...label("web.recentActions.col.done")} className="num">
                    {t("web.recentActions.progress", {
                      done: i18n.formatNumber(job.done),
                      matched: i18n.formatNumber(job.matched),
                    })}
                  </td>
                  <td {...label("web.recentActions.col.state")}>
                    <span className={`status job-state-${job.state}`}>
                      {t(`web.recentActions.state.${job.state}`)}
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
