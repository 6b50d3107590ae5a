import type { ComponentHealth, FleetSummary } from "@scripts-email/contracts";
import { useI18n } from "../../../lib/i18n.tsx";
import { formatAge } from "./fleet-format.ts";

type Condition = "ok" | "failing" | "unused" | "notConfigured";

/** Failing while its last attempt failed; working once one after the last failure succeeded. */
export function conditionOf(health: ComponentHealth): Condition {
  if (!health.configured) return "notConfigured";
  const success = health.lastSuccessAt ? Date.parse(health.lastSuccessAt) : null;
  const failure = health.lastFailureAt ? Date.parse(health.lastFailureAt) : null;
  if (failure !== null && (success === null || failure > success)) return "failing";
  if (success !== null) return "ok";
  return "unused";
}

const CONDITION_CLASS: Record<Condition, string> = {
  ok: "status status-delivered",
  failing: "status status-failed",
  unused: "status",
  notConfigured: "status",
};

function Component(props: { id: string; name: string; health: ComponentHealth }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { health } = props;
  const condition = conditionOf(health);
  return (
    <section className="fleet-component" aria-labelledby={props.id}>
      <h3>
        <span id={props.id}>{props.name}</span>{" "}
        <span className={CONDITION_CLASS[condition]} data-condition={condition}>
          {t(`web.fleet.health.${condition}`)}
        </span>
      </h3>
      {health.configured && (
        <ul className="plain-list">
          <li>
            {health.lastSuccessAt
              ? t("web.fleet.health.lastSuccess", {
                  time: i18n.formatDateTime(health.lastSuccessAt),
                })
              : t("web.fleet.health.lastSuccessNever")}
          </li>
          <li>{t("web.fleet.health.failures", { count: health.failuresLastHour })}</li>
          {condition === "failing" && health.lastError && health.lastFailureAt && (
            <li className="break">
              {t("web.fleet.health.lastError", {
                time: i18n.formatDateTime(health.lastFailureAt),
                error: health.lastError,
              })}
            </li>
          )}
        </ul>
      )}
    </section>
  );
}

/** The queue's depth and oldest waiting message, and the health of the relay and the scanner. */
export function FleetHealth(props: { summary: FleetSummary }) {
  const i18n = useI18n();
  const { t, formatNumber: n } = i18n;
  const { queue, relay, spamScanner } = props.summary;
  return (
    <>
      <section className="card" aria-labelledby="fleet-queue-heading">
        <h2 id="fleet-queue-heading">{t("web.fleet.queue.heading")}</h2>
        <dl className="counters">
          <div className="counter">
            <dt>{t("web.fleet.queue.queued")}</dt>
            <dd>{n(queue.queued)}</dd>
          </div>
          <div className="counter">
            <dt>{t("web.fleet.queue.held")}</dt>
            <dd>{n(queue.held)}</dd>
          </div>
          <div className="counter counter-wide">
            <dt>{t("web.fleet.queue.oldest")}</dt>
            <dd>
              {queue.oldestQueuedAgeSeconds === null
                ? t("web.fleet.queue.oldestNone")
                : formatAge(queue.oldestQueuedAgeSeconds, i18n)}
            </dd>
            {queue.oldestQueuedAt && (
              <dd className="counter-note">
                {t("web.fleet.queue.oldestSince", {
                  time: i18n.formatDateTime(queue.oldestQueuedAt),
                })}
              </dd>
            )}
          </div>
        </dl>
      </section>
      <section className="card" aria-labelledby="fleet-health-heading">
        <h2 id="fleet-health-heading">{t("web.fleet.health.heading")}</h2>
        <Component id="fleet-relay" name={t("web.fleet.health.relay")} health={relay} />
        <Component
          id="fleet-scanner"
          name={t("web.fleet.health.spamScanner")}
          health={spamScanner}
        />
      </section>
    </>
  );
}
