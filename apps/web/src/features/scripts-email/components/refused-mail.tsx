import type { RefusalList } from "@scripts-email/contracts";
import { useState } from "react";
import { ErrorAlert, Loading } from "../../../components/error-message.tsx";
import { useI18n } from "../../../lib/i18n.tsx";
import type { DayPeriod } from "../api/day-periods.ts";
import { useRefusals } from "../api/get-refusals.ts";
import { DayPeriodSelect } from "./day-period-select.tsx";
import { ScriptName } from "./script-name.tsx";

const HEADING_ID = "refused-heading";

/**
 * Submissions the SMTP server refused (never stored, so not in the messages list), per day,
 * script and reason over 1, 7 or 30 days, newest day first, with each reason in words.
 */
export function RefusedMail(props: { serviceName: string }) {
  const { t } = useI18n();
  const [days, setDays] = useState<DayPeriod>(7);
  const refusals = useRefusals(props.serviceName, days);
  const list = refusals.data;
  return (
    <section className="card" aria-labelledby={HEADING_ID}>
      <div className="section-head">
        <h2 id={HEADING_ID}>{t("web.refused.heading")}</h2>
        <DayPeriodSelect id="refused-period" value={days} onChange={setDays} />
      </div>
      <p className="muted">{t("web.refused.explain")}</p>
      {refusals.isPending && <Loading />}
      <ErrorAlert error={refusals.error} />
      {list &&
        (list.items.length === 0 ? (
          <p className="muted">{t("web.refused.empty", { days })}</p>
        ) : (
          <>
            <p>{t("web.refused.total", { count: list.total, days })}</p>
            <RefusalsTable list={list} busy={refusals.isPlaceholderData} />
            <ReasonsLegend list={list} />
            {list.truncated && (
              <p className="hint">{t("web.refused.truncated", { count: list.items.length })}</p>
            )}
          </>
        ))}
    </section>
  );
}

function RefusalsTable(props: { list: RefusalList; busy: boolean }) {
  const { t, formatNumber, formatDay } = useI18n();
  const label = (c: "date" | "script" | "reason" | "count") => t(`web.refused.column.${c}`);
  return (
    <div className="table-wrap" aria-busy={props.busy || undefined}>
      <table className="table responsive-table" aria-labelledby={HEADING_ID}>
        <thead>
          <tr>
            <th scope="col">{label("date")}</th>
            <th scope="col">{label("script")}</th>
            <th scope="col">{label("reason")}</th>
            <th scope="col" className="num">
              {label("count")}
            </th>
          </tr>
        </thead>
        <tbody>
          {props.list.items.map((row) => (
            <tr key={`${row.date}\n${row.script}\n${row.reason}`}>
              <td data-label={label("date")}>{formatDay(row.date)}</td>
              <td data-label={label("script")}>
                <ScriptName script={row.script} />
              </td>
              <td data-label={label("reason")}>{t(`web.refused.reason.${row.reason}`)}</td>
              <td data-label={label("count")} className="num">
                {formatNumber(row.count)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** What each reason in the list means and what to do about it, once per reason. */
function ReasonsLegend(props: { list: RefusalList }) {
  const { t } = useI18n();
  const reasons = [...new Set(props.list.items.map((r) => r.reason))];
  return (
    <dl className="refusal-legend">
      {reasons.map((reason) => (
        <div key={reason}>
          <dt>{t(`web.refused.reason.${reason}`)}</dt>
          <dd className="hint">{t(`web.refused.reasonHelp.${reason}`)}</dd>
        </div>
      ))}
    </dl>
  );
}
