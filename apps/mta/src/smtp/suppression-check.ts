import { type Logger, suppressedReplyText } from "@scripts-email/domain";
import { type SmtpError, smtpError } from "./session/smtp-error.ts";

/** An address on the hosting's suppression list, as the RCPT check needs it. */
export interface SuppressedRecipient {
  address: string;
  /** When the failure that put it there happened (named in the reply). */
  addedAt: Date;
}

/**
 * The entry in force for a recipient of a hosting, or null: one primary-key read
 * (SuppressionService.find).
 */
export type SuppressionLookup = (
  hostingId: string,
  address: string,
) => Promise<SuppressedRecipient | null>;

/**
 * The RCPT TO answer for a recipient of the hosting's suppression list (550 5.1.1 naming the
 * list, since when and the way out), or null to accept it. The list cannot be read: 451, so
 * that the client tries again rather than sending to an address that bounced.
 */
export async function suppressedRecipientReply(
  lookup: SuppressionLookup,
  hostingId: string,
  address: string,
  log: Logger,
): Promise<SmtpError | null> {
  let entry: SuppressedRecipient | null;
  try {
    entry = await lookup(hostingId, address);
  } catch (error) {
    log.error({ err: error }, "suppression list lookup failed");
    return smtpError(451, "4.3.0 Temporary failure, try again later");
  }
  if (!entry) return null;
  return smtpError(550, `5.1.1 ${suppressedReplyText(entry.address, entry.addedAt)}`);
}
