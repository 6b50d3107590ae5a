import { type RefusalReasonName, refusalReason } from "@scripts-email/contracts";

/**
 * Why a submission was refused, a closed set (the `Refusal.reason` column):
 * - `daily_limit`: the hosting's daily limit was reached (452);
 * - `size`: the message was over the size limit (552);
 * - `sender_domain`: `MAIL FROM` is not one of the hosting's addresses (553);
 * - `from_header`: the `From:` header is not (550);
 * - `message`: the message is malformed (NUL bytes, over-long or too many header lines…);
 * - `storage`: the database cannot store it, for good (554);
 * - `auth`: a failed AUTH with the hosting's account name;
 * - `suppressed`: a recipient on the hosting's suppression list (550 at RCPT TO).
 */
export const REFUSAL_REASONS = refusalReason.options;

export type RefusalReason = RefusalReasonName;

/** Distinct scripts kept per hosting and day; the refusals of any further one are counted here. */
export const MAX_REFUSAL_SCRIPTS = 50;
export const OTHER_SCRIPTS = "(other)";
