import type { FleetSummary } from "@scripts-email/contracts";
import { useI18n } from "../../../lib/i18n.tsx";

const COUNTERS = ["accepted", "sent", "failed", "held", "spam", "refused"] as const;

/** The mail of all hostings over the last hour and the last day. */
export function FleetTraffic(props: { summary: FleetSummary }) {
  const { t, formatNumber: n } = useI18n();
  const periods = [
    ["1h", props.summary.lastHour],
    ["24h", props.summary.lastDay],
  ] as const;
  return (
    <section className="card span-all" aria-labelledby="fleet-traffic-heading">
      <h2 id="fleet-traffic-heading">{t("web.fleet.traffic.heading")}</h2>
      <div className="table-wrap">
        <table
          className="table responsive-table fleet-table"
          aria-labelledby="fleet-traffic-heading"
        >
          <thead>
            <tr>
              <th scope="col">{t("web.fleet.traffic.period")}</th>
              {COUNTERS.map((c) => (
                <th key={c} scope="col" className="num">
                  {t(`web.fleet.counter.${c}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {periods.map(([window, counters]) => (
              <tr key={window}>
                <th scope="row" data-label={t("web.fleet.traffic.period")}>
                  {t(`web.fleet.window.${window}`)}
                </th>
                {COUNTERS.map((c) => (
                  <td key={c} className="num" data-label={t(`web.fleet.counter.${c}`)}>
                    {n(counters[c])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
