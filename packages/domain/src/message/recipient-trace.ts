import type { MessageRecipient, MessageStatus } from "@scripts-email/contracts";
import { replyText } from "./server-reply.ts";

/** What a recipient's outcome is read from: the message's row and its delivery events. */
export interface TracedMessage {
  recipients: string[];
  /** Recipients delivered, and those that failed for good (Message.delivered / failed). */
  delivered: string[];
  failed: string[];
  status: MessageStatus;
  nextAttemptAt: Date | null;
  /** When the row last changed: when it expired or was purged, for those statuses. */
  updatedAt: Date;
}

export interface TracedEvent {
  at: Date;
  recipient: string;
  outcome: "delivered" | "deferred" | "failed" | "expired";
  smtpCode: number | null;
  text: string;
}

/**
 * Each recipient's own outcome, so that one refused with 550 reads "failed" while another of the
 * same message is delivered or still waiting. A recipient delivered or failed for good keeps it
 * whatever happens to the message after; the others follow the message: held, expired, purged,
 * or in the queue (deferred when its last attempt was, pending before any attempt or while being
 * sent). The code, reply and time come from the recipient's last event.
 */
export function recipientTrace(message: TracedMessage, events: TracedEvent[]): MessageRecipient[] {
  const last = new Map<string, TracedEvent>();
  for (const e of events) {
    const seen = last.get(e.recipient);
    if (!seen || seen.at.getTime() <= e.at.getTime()) last.set(e.recipient, e);
  }
  const delivered = new Set(message.delivered);
  const failed = new Set(message.failed);
  return message.recipients.map((address) => {
    const event = last.get(address) ?? null;
    const outcome = delivered.has(address)
      ? "delivered"
      : failed.has(address)
        ? "failed"
        : waitingOutcome(message.status, event);
    const ended = outcome === "expired" || outcome === "purged";
    return {
      address,
      delivered: outcome === "delivered",
      outcome,
      code: event?.smtpCode ?? null,
      reply: event ? replyText(event.smtpCode, event.text) : null,
      at: ended ? message.updatedAt.toISOString() : (event?.at.toISOString() ?? null),
      nextAttemptAt:
        outcome === "deferred" && message.nextAttemptAt
          ? message.nextAttemptAt.toISOString()
          : null,
    };
  });
}

function waitingOutcome(
  status: MessageStatus,
  event: TracedEvent | null,
): MessageRecipient["outcome"] {
  switch (status) {
    case "held":
    case "expired":
    case "purged":
      return status;
    case "queued":
      return event?.outcome === "deferred" ? "deferred" : "pending";
    case "sending":
      return "pending";
    case "sent":
    case "failed":
      // finished, yet this recipient is in neither list (rows from before they were kept)
      return event?.outcome === "delivered" ? "delivered" : event ? "failed" : "pending";
  }
}
