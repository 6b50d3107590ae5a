import type { MessageDetail } from "@scripts-email/contracts";
import { useId } from "react";
import { BreakableText } from "../../../components/breakable-text.tsx";
import { type I18n, useI18n } from "../../../lib/i18n.tsx";
import { ServerReply } from "./server-reply.tsx";

type Recipient = MessageDetail["recipients"][number];
type Attempt = MessageDetail["attempts"][number];

/** Where the recipient stands and what happens next, in one sentence. */
function standing(recipient: Recipient, message: MessageDetail, i18n: I18n): string {
  const { t } = i18n;
  const at = recipient.at ? i18n.formatDateTime(recipient.at) : "—";
  const until = i18n.formatDateTime(message.expiresAt);
  switch (recipient.outcome) {
    case "deferred":
      return recipient.nextAttemptAt
        ? t("web.message.trace.deferred", {
            next: i18n.formatDateTime(recipient.nextAttemptAt),
            until,
          })
        : t("web.message.trace.deferredNoNext", { until });
    case "held":
      return t("web.message.trace.held", { until });
    case "pending":
      return t("web.message.trace.pending");
    default:
      return t(`web.message.trace.${recipient.outcome}`, { at });
  }
}

function RecipientTrace(props: {
  recipient: Recipient;
  attempts: Attempt[];
  message: MessageDetail;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const r = props.recipient;
  const headingId = useId();
  return (
    <li className="trace-recipient" aria-labelledby={headingId}>
      <p className="trace-head">
        <span id={headingId}>
          <BreakableText text={r.address} />
        </span>{" "}
        <span className={`status status-${r.outcome}`}>
          {t(`web.message.recipientOutcome.${r.outcome}`)}
        </span>
      </p>
      <p className="muted">{standing(r, props.message, i18n)}</p>
      {props.attempts.length === 0 ? (
        <p className="muted">{t("web.message.noAttempts")}</p>
      ) : (
        <ol
          className="trace-attempts"
          aria-label={t("web.message.trace.attempts", { address: r.address })}
        >
          {props.attempts.map((a, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: attempts have no id; the list is only ever replaced whole
            <li key={`${a.at}-${i}`}>
              <time dateTime={a.at}>{i18n.formatDateTime(a.at)}</time>{" "}
              <span className={`status status-${a.outcome}`}>
                {t(`web.message.outcome.${a.outcome}`)}
              </span>{" "}
              <ServerReply code={a.code} text={a.text} />
            </li>
          ))}
        </ol>
      )}
    </li>
  );
}

/**
 * The message's delivery as a trace: each recipient with its own outcome (one refused with 550
 * is failed while another is delivered), what happens next (the next retry and until when, or
 * the hold's expiry), and its attempts, oldest first, each with the relay's reply.
 */
export function DeliveryTrace(props: { message: MessageDetail }) {
  const { t } = useI18n();
  const m = props.message;
  const headingId = useId();
  return (
    <section aria-labelledby={headingId}>
      <h3 id={headingId}>{t("web.message.trace")}</h3>
      <ul className="plain-list trace">
        {m.recipients.map((r) => (
          <RecipientTrace
            key={r.address}
            recipient={r}
            attempts={m.attempts.filter((a) => a.recipient === r.address)}
            message={m}
          />
        ))}
      </ul>
    </section>
  );
}
