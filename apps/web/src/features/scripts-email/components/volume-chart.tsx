import type { DailyVolume } from "@scripts-email/contracts";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { type KeyboardEvent, useId, useRef, useState } from "react";
import { ErrorAlert, Loading } from "../../../components/error-message.tsx";
import { type I18n, useI18n } from "../../../lib/i18n.tsx";
import { emailVolumesQueryOptions } from "../api/get-email-volumes.ts";

/** The periods the chart offers, in days counting today. */
export const CHART_PERIODS = [7, 30, 90] as const;
export type ChartPeriod = (typeof CHART_PERIODS)[number];

/** One sentence that says what the chart shows, for screen readers and as its description. */
export function volumeSummary(
  volumes: DailyVolume[],
  i18n: Pick<I18n, "t" | "formatNumber" | "formatDay">,
) {
  const { t } = i18n;
  const sent = volumes.reduce((sum, v) => sum + v.sent, 0);
  const errors = volumes.reduce((sum, v) => sum + v.errors, 0);
  const days = volumes.length;
  if (sent === 0 && errors === 0) return t("web.chart.summaryEmpty", { days });
  const busiest = volumes.reduce((best, v) => (v.sent > best.sent ? v : best));
  return t("web.chart.summary", {
    days,
    sent,
    errors,
    day: i18n.formatDay(busiest.date, "long"),
    max: busiest.sent,
  });
}

/** Where a day's figures show: from its left edge, centred, or to its right edge (kept on screen). */
function tipSide(index: number, count: number): string {
  if (index < count / 3) return "chart-day-start";
  return index < (2 * count) / 3 ? "chart-day-mid" : "chart-day-end";
}

const MOVES: Record<string, (index: number, last: number) => number> = {
  ArrowLeft: (i) => Math.max(0, i - 1),
  ArrowRight: (i, last) => Math.min(last, i + 1),
  Home: () => 0,
  End: (_, last) => last,
};

/**
 * Sent and errors per day as bars. Each day is one stop of the keyboard (one tab stop for the
 * chart, arrows between days) and says its figures as text, shown on hover or focus.
 */
export function VolumeChart(props: { volumes: DailyVolume[] }) {
  const i18n = useI18n();
  const { t, formatNumber: n } = i18n;
  const titleId = useId();
  const descId = useId();
  const { volumes } = props;
  const [current, setCurrent] = useState(volumes.length - 1);
  const days = useRef<(HTMLLIElement | null)[]>([]);
  const max = Math.max(1, ...volumes.map((v) => Math.max(v.sent, v.errors)));
  const height = (value: number) => `${(value / max) * 100}%`;
  const first = volumes[0];
  const last = volumes[volumes.length - 1];
  const stop = Math.min(Math.max(current, 0), volumes.length - 1);

  const move = (event: KeyboardEvent, index: number) => {
    const next = MOVES[event.key]?.(index, volumes.length - 1);
    if (next === undefined) return;
    event.preventDefault();
    setCurrent(next);
    days.current[next]?.focus();
  };

  return (
    <figure className="chart">
      <div className="chart-plot">
        <span className="chart-max" aria-hidden="true">
          {n(max)}
        </span>
        <p id={titleId} className="visually-hidden">
          {t("web.chart.title", { days: volumes.length })}
        </p>
        <p id={descId} className="visually-hidden">
          {volumeSummary(volumes, i18n)}
        </p>
        <ol className="chart-bars" aria-labelledby={titleId} aria-describedby={descId}>
          {volumes.map((v, i) => (
            <li
              key={v.date}
              ref={(element) => {
                days.current[i] = element;
              }}
              className={`chart-day ${tipSide(i, volumes.length)}`}
              tabIndex={i === stop ? 0 : -1}
              onKeyDown={(event) => move(event, i)}
              onFocus={() => setCurrent(i)}
            >
              <span className="bar bar-sent" style={{ height: height(v.sent) }} />
              <span className="bar bar-errors" style={{ height: height(v.errors) }} />
              <span className="chart-tip">
                {t("web.chart.barLabel", {
                  day: i18n.formatDay(v.date),
                  sent: v.sent,
                  errors: v.errors,
                })}
              </span>
            </li>
          ))}
        </ol>
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
              {t("web.chart.title", { days: volumes.length })}
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

/** The chart over the last 7, 30 or 90 days; another period keeps the chart shown until it comes. */
export function VolumeChartSection(props: { serviceName: string }) {
  const { t } = useI18n();
  const [days, setDays] = useState<ChartPeriod>(30);
  const periodId = useId();
  const volumes = useQuery({
    ...emailVolumesQueryOptions(props.serviceName, days),
    placeholderData: keepPreviousData,
  });
  return (
    <section className="card" aria-labelledby="chart-heading" aria-busy={volumes.isPlaceholderData}>
      <div className="section-head">
        <h2 id="chart-heading">{t("web.chart.heading")}</h2>
        <div className="inline-field">
          <label htmlFor={periodId}>{t("web.chart.period")}</label>
          <select
            id={periodId}
            value={days}
            onChange={(e) => {
              const chosen = CHART_PERIODS.find((d) => String(d) === e.target.value);
              if (chosen) setDays(chosen);
            }}
          >
            {CHART_PERIODS.map((d) => (
              <option key={d} value={d}>
                {t("web.chart.period.option", { days: d })}
              </option>
            ))}
          </select>
        </div>
      </div>
      {volumes.isPending && <Loading />}
      <ErrorAlert error={volumes.error} />
      {volumes.data && <VolumeChart key={volumes.data.length} volumes={volumes.data} />}
    </section>
  );
}
