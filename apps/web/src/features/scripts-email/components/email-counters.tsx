import type { EmailStatus } from "@scripts-email/contracts";
import { useI18n } from "../../../lib/i18n.tsx";

export function EmailCounters(props: { status: EmailStatus }) {
  const i18n = useI18n();
  const { t, formatNumber: n } = i18n;
  const { status } = props;
  const ratio = status.maxPerDay > 0 ? status.sentToday / status.maxPerDay : 0;
  return (
    <section className="card" aria-labelledby="counters-heading">
      <h2 id="counters-heading">{t("web.counters.heading")}</h2>
      <dl className="counters">
        <div className="counter">
          <dt>{t("web.counters.sent")}</dt>
          <dd>{n(status.sent)}</dd>
        </div>
        <div className="counter">
          <dt>{t("web.counters.sentToday")}</dt>
          <dd>
            {t("web.counters.ofLimit", { count: n(status.sentToday), limit: n(status.maxPerDay) })}
            <meter
              className="limit-meter"
              min={0}
              max={Math.max(status.maxPerDay, 1)}
              low={Math.max(status.maxPerDay, 1) * 0.8}
              high={Math.max(status.maxPerDay, 1) * 0.95}
              optimum={0}
              value={Math.min(status.sentToday, Math.max(status.maxPerDay, 1))}
              aria-label={t("web.counters.meterLabel", { percent: n(Math.round(ratio * 100)) })}
            />
          </dd>
        </div>
        <div className="counter">
          <dt>{t("web.counters.errors")}</dt>
          <dd>{n(status.errors)}</dd>
        </div>
        <div className="counter">
          <dt>{t("web.counters.held")}</dt>
          <dd>{n(status.held)}</dd>
        </div>
        <div className="counter">
          <dt>{t("web.counters.queued")}</dt>
          <dd>{n(status.queued)}</dd>
        </div>
      </dl>
    </section>
  );
}
