import type { RecipientResult } from "@scripts-email/domain";
import type { SmtpReply } from "./smtp-client.ts";

export type FailureKind = NonNullable<RecipientResult["kind"]>;

/** Where in the transaction the relay refused. */
export type Stage = "mail" | "rcpt" | "data" | "content";

export interface Refusal {
  kind: FailureKind;
  /** A 5xx that is the relay's own doing waits for it to be fixed instead of failing the mail. */
  outcome: "failed" | "deferred";
}

/** The enhanced status code (RFC 3463) the reply starts with, e.g. [5, 1, 1]; null without one. */
export function enhancedCode(reply: SmtpReply): [number, number, number] | null {
  const m = /^\d{3}[ -]([245])\.(\d{1,3})\.(\d{1,3})(?!\S)/.exec(reply.text);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

// Postfix "Relay access denied", sendmail "Relaying denied", Exim "relay not permitted".
const RELAY_DENIED = /\brelay(ing)? (access )?(denied|not permitted)/i;

/**
 * Whose fault a refusal is, which decides whether it counts in the hosting's bounce ratio (only
 * `recipient` does) and whether a 5xx fails the mail (the relay's own refusals defer it instead:
 * nothing is lost while the operator fixes the relay, and it fails after DELIVERY_MAX_HOURS).
 *
 * - `recipient`: refused at RCPT (an unknown or full mailbox, a recipient's policy), and refusals
 *   after the content that name the mailbox (x.1.x, x.2.x but x.2.3). A relay that refuses to
 *   relay or wants authentication at RCPT is the relay's fault.
 * - `message`: the content or its sender (x.3.4 too big, x.6.x content or encoding, x.7.x
 *   policy such as spam, and x.1.x at MAIL: the sender address); a refusal of the content
 *   without an enhanced code too.
 * - `relay`: everything about the session (greeting, EHLO, TLS, AUTH, lost connections, which
 *   never get here: they always defer), MAIL or DATA refused for reasons not about the sender
 *   (authentication required, relaying denied, syntax, x.4.x routing, x.3.x system).
 *
 * 4xx replies get the same kind; they defer anyway, and the kind is what their failure records if
 * the mail runs out of time.
 */
export function classifyRefusal(stage: Stage, reply: SmtpReply): Refusal {
  const kind = kindOf(stage, reply);
  return {
    kind,
    outcome: reply.code >= 500 && kind !== "relay" ? "failed" : "deferred",
  };
}

function kindOf(stage: Stage, reply: SmtpReply): FailureKind {
  const status = enhancedCode(reply);
  const [, subject, detail] = status ?? [0, -1, -1];
  const authentication = reply.code === 530 || (subject === 7 && (detail === 0 || detail === 8));
  if (authentication || RELAY_DENIED.test(reply.text)) return "relay";
  const content = (subject === 3 && detail === 4) || subject === 6;
  switch (stage) {
    case "mail":
      return subject === 1 || content ? "message" : "relay";
    case "rcpt":
      return "recipient";
    case "data":
      return content || subject === 7 ? "message" : "relay";
    case "content":
      if (subject === 1 || (subject === 2 && detail !== 3)) return "recipient";
      if (subject === 3 || subject === 4 || subject === 5) return content ? "message" : "relay";
      return "message";
  }
}
