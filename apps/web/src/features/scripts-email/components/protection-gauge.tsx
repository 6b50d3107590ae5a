import type { ProtectionGauge as Gauge } from "@scripts-email/contracts";
import { useId } from "react";
import { useI18n } from "../../../lib/i18n.tsx";

/**
 * One rule: its name, a bar (an ARIA meter) and its figures in words; instead, `off` or "Rule off"
 * when the rule does not apply.
 */
function RuleMeter(props: {
  label: string;
  value: number;
  max: number;
  text: string;
  off?: string | null;
}) {
  const { t } = useI18n();
  const labelId = useId();
  const textId = useId();
  const { value, max } = props;
  const off = props.off ?? (max <= 0 ? t("web.protection.off") : null);
  if (off) {
    return (
      <li className="gauge">
        <span className="gauge-label">{props.label}</span>
        <p className="hint">{off}</p>
      </li>
    );
  }
  return (
    <li className="gauge">
      <span id={labelId} className="gauge-label">
        {props.label}
      </span>
      <meter
        className="gauge-bar"
        aria-labelledby={labelId}
        aria-describedby={textId}
        aria-valuetext={props.text}
        min={0}
        max={max}
        // the bar turns amber from 80 % of what blocks, red at it
        low={max * 0.8}
        high={max}
        optimum={0}
        value={Math.min(value, max)}
      />
      <p id={textId} className="hint">
        {props.text}
      </p>
    </li>
  );
}

/**
 * The automatic protection's three rules against what blocks sending (bounce ratio, burst, spam
 * in the last hour), the bounce threshold's relaxation and where the counting starts.
 */
export function ProtectionGauge(props: { protection: Gauge; spamChecking: boolean }) {
  const i18n = useI18n();
  const { t, formatNumber: n } = i18n;
  const { bounce, burst, spam, relaxedUntil, since } = props.protection;
  const percent = (share: number) => n(Math.round(share * 100));
  return (
    <section className="card" aria-labelledby="protection-heading">
      <h2 id="protection-heading">{t("web.protection.heading")}</h2>
      <p className="hint">{t("web.protection.intro")}</p>
      <ul className="gauges">
        <RuleMeter
          label={t("web.protection.bounce.label")}
          value={Math.round(bounce.ratio * 100)}
          max={Math.round(bounce.threshold * 100)}
          text={t("web.protection.bounce.value", {
            ratio: percent(bounce.ratio),
            recipients: bounce.recipients,
            minutes: n(bounce.windowMinutes),
            threshold: percent(bounce.threshold),
            minFailures: bounce.minFailures,
          })}
        />
        <RuleMeter
          label={t("web.protection.burst.label")}
          value={burst.count}
          max={burst.limit}
          text={t("web.protection.burst.value", {
            count: n(burst.count),
            limit: burst.limit,
            seconds: n(burst.windowSeconds),
          })}
        />
        <RuleMeter
          label={t("web.protection.spam.label")}
          value={spam.count}
          max={spam.limit}
          text={t("web.protection.spam.value", { count: n(spam.count), limit: spam.limit })}
          off={props.spamChecking ? null : t("web.state.spamCheckingOff")}
        />
      </ul>
      {relaxedUntil && (
        <p className="alert alert-info">
          {t("web.protection.relaxed", { date: i18n.formatDateTime(relaxedUntil) })}
        </p>
      )}
      <p className="hint gauge-since">
        {t("web.protection.since", { date: i18n.formatDateTime(since) })}
      </p>
    </section>
  );
}
