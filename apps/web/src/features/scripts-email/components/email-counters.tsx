import type { EmailStatus, UserRole } from "@scripts-email/contracts";
import { type ReactNode, useId, useState } from "react";
import { useI18n } from "../../../lib/i18n.tsx";
import { DailyLimitDialog } from "./daily-limit-dialog.tsx";

/** One counter: its name, its figure, and below them what it counts and any notes. */
function Counter(props: {
  label: string;
  help?: string;
  notes?: ReactNode;
  wide?: boolean;
  children: ReactNode;
}) {
  return (
    <div className={props.wide ? "counter counter-wide" : "counter"}>
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
      {props.notes}
      {props.help && <dd className="counter-note">{props.help}</dd>}
    </div>
  );
}

/**
 * The hosting's counters. Today's three say what each counts, so that they agree with the SMTP
 * answers: the daily limit counts mail accepted today (queued or held, delivered or not), which
 * "Sent today" (delivered) does not; refused mail was never accepted. Support changes the limit
 * here; the customer sees it and how close they are.
 */
export function EmailCounters(props: {
  serviceName: string;
  status: EmailStatus;
  role: UserRole;
  onNotice: (text: string) => void;
}) {
  const i18n = useI18n();
  const { t, formatNumber: n } = i18n;
  const { status } = props;
  const [editing, setEditing] = useState(false);
  const limit = status.maxPerDay;
  const max = Math.max(limit, 1);
  const percent = limit > 0 ? Math.round((status.acceptedToday / limit) * 100) : 100;
  // 3 of 1,000 is not "0 %": some mail was accepted, less than one in a hundred of the limit
  const underOne = status.acceptedToday > 0 && percent < 1;
  const reached = status.acceptedToday >= limit;
  const meterTextId = useId();
  return (
    <section className="card" aria-labelledby="counters-heading">
      <h2 id="counters-heading">{t("web.counters.heading")}</h2>
      <dl className="counters">
        <Counter
          wide
          label={t("web.counters.acceptedToday")}
          help={t("web.counters.acceptedHelp")}
          notes={
            <dd className="counter-note">
              <span id={meterTextId}>
                {underOne
                  ? t("web.counters.percentUnderOne")
                  : t("web.counters.percentOfLimit", { percent: n(percent) })}
              </span>
              {reached && (
                <strong className="counter-alert" data-testid="limit-reached">
                  {" "}
                  {limit === 0 ? t("web.counters.limitZero") : t("web.counters.limitReached")}
                </strong>
              )}
              {props.role === "support" ? (
                <button
                  type="button"
                  className="button counter-action"
                  onClick={() => setEditing(true)}
                >
                  {t("web.dailyLimit.change")}
                </button>
              ) : (
                <span className="counter-action">{t("web.dailyLimit.askSupport")}</span>
              )}
            </dd>
          }
        >
          <span data-testid="accepted-today">
            {t("web.counters.ofDailyLimit", {
              count: n(status.acceptedToday),
              limit: n(limit),
            })}
          </span>
          <meter
            className="limit-meter"
            min={0}
            max={max}
            low={max * 0.8}
            high={max * 0.95}
            optimum={0}
            value={Math.min(status.acceptedToday, max)}
            aria-label={
              underOne
                ? t("web.counters.meterLabelUnderOne")
                : t("web.counters.meterLabel", { percent: n(percent) })
            }
            aria-describedby={meterTextId}
          />
        </Counter>
        <Counter label={t("web.counters.sentToday")} help={t("web.counters.sentHelp")}>
          {n(status.sentToday)}
        </Counter>
        <Counter label={t("web.counters.refusedToday")} help={t("web.counters.refusedHelp")}>
          <span data-testid="refused-today">{n(status.refusedToday)}</span>
        </Counter>
        <Counter label={t("web.counters.sent")}>{n(status.sent)}</Counter>
        <Counter label={t("web.counters.errors")}>{n(status.errors)}</Counter>
        <Counter label={t("web.counters.held")}>{n(status.held)}</Counter>
        <Counter label={t("web.counters.queued")}>{n(status.queued)}</Counter>
      </dl>
      {editing && (
        <DailyLimitDialog
          serviceName={props.serviceName}
          current={limit}
          onClose={() => setEditing(false)}
          onDone={(text) => {
            setEditing(false);
            props.onNotice(text);
          }}
        />
      )}
    </section>
  );
}
