import type { DailyVolume } from "@scripts-email/contracts";
import { useId } from "react";
import { ErrorAlert, Loading } from "../../../components/error-message.tsx";
import { type I18n, useI18n } from "../../../lib/i18n.tsx";
import { useEmailVolumes } from "../api/get-email-volumes.ts";

const DAY_WIDTH = 10;
const BAR_WIDTH = 4;
const HEIGHT = 100;

/** One sentence that says what the chart shows, for screen readers and as its description. */
export function volumeSummary(
  volumes: DailyVolume[],
  i18n: Pick<I18n, "t" | "formatNumber" | "formatDay">,
) {
  const { t, formatNumber: n } = i18n;
  const sent = volumes.reduce((sum, v) => sum + v.sent, 0);
  const errors = volumes.reduce((sum, v) => sum + v.errors, 0);
  const days = n(volumes.length);
  if (sent === 0 && errors === 0) return t("web.chart.summaryEmpty", { days });
  const busiest = volumes.reduce((best, v) => (v.sent > best.sent ? v : best));
  return t("web.chart.summary", {
    days,
    sent: n(sent),
    errors: n(errors),
    day: i18n.formatDay(busiest.date, "long"),
    max: n(busiest.sent),
  });
}

export function VolumeChart(props: { volumes: DailyVolume[] }) {
  const i18n = useI18n();
  const { t, formatNumber: n } = i18n;
  const titleId = useId();
  const descId = useId();
  const { volumes } = props;
  const max = Math.max(1, ...volumes.map((v) => Math.max(v.sent, v.errors)));
  const scale = (value: number) => (value / max) * HEIGHT;
  const first = volumes[0];
  const last = volumes[volumes.length - 1];

  return (
    <figure className="chart">
      <div className="chart-plot">
        <span className="chart-max" aria-hidden="true">
          {n(max)}
        </span>
        <svg
          role="img"
          aria-labelledby={titleId}
          aria-describedby={descId}
          viewBox={`0 0 ${Math.max(volumes.length, 1) * DAY_WIDTH} ${HEIGHT}`}
          preserveAspectRatio="none"
          className="chart-svg"
        >
          <title id={titleId}>{t("web.chart.title", { days: n(volumes.length) })}</title>
          <desc id={descId}>{volumeSummary(volumes, i18n)}</desc>
          {volumes.map((v, i) => {
            const x = i * DAY_WIDTH + 1;
            const label = t("web.chart.barLabel", {
              day: i18n.formatDay(v.date),
              sent: n(v.sent),
              errors: n(v.errors),
            });
            return (
              <g key={v.date}>
                <title>{label}</title>
                <rect
                  className="bar-sent"
                  x={x}
                  y={HEIGHT - scale(v.sent)}
                  width={BAR_WIDTH}
                  height={scale(v.sent)}
                />
                <rect
                  className="bar-errors"
                  x={x + BAR_WIDTH}
                  y={HEIGHT - scale(v.errors)}
                  width={BAR_WIDTH}
                  height={scale(v.errors)}
                />
              </g>
            );
          })}
        </svg>
      </div>
      <div className="chart-axis" aria-hidden="true">
        <span>{first && i18n.formatDay(first.date)}</span>
        <span>{last && i18n.formatDay(last.date)}</span>
      </div>
      <figcaption className="chart-legend">
        <span className="legend legend-sent">{t("web.chart.sent")}</span>
        <span className="legend legend-errors">{t("web.chart.errors")}</span>
      </figcaption>
      <details className="chart-table">
        <summary>{t("web.chart.showTable")}</summary>
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">
              {t("web.chart.title", { days: n(volumes.length) })}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t("web.chart.col.date")}</th>
                <th scope="col">{t("web.chart.sent")}</th>
                <th scope="col">{t("web.chart.errors")}</th>
              </tr>
            </thead>
            <tbody>
              {volumes.map((v) => (
                <tr key={v.date}>
                  <th scope="row">{i18n.formatDay(v.date, "long")}</th>
                  <td className="num">{n(v.sent)}</td>
                  <td className="num">{n(v.errors)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

export function VolumeChartSection(props: { serviceName: string }) {
  const { t } = useI18n();
  const volumes = useEmailVolumes(props.serviceName, 30);
  return (
    <section className="card" aria-labelledby="chart-heading">
      <h2 id="chart-heading">{t("web.chart.heading")}</h2>
      {volumes.isPending && <Loading />}
      <ErrorAlert error={volumes.error} />
      {volumes.data && <VolumeChart volumes={volumes.data} />}
    </section>
  );
}
