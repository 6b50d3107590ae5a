import { z } from "zod";
import { isoDate } from "./common.ts";
import { reason as reasonText } from "./email.ts";
import { scriptsQuery } from "./incident.ts";

/**
 * Why the SMTP ingest refused a submission, the one closed list (the domain's
 * refusal-reasons.ts says what each means and when it is recorded): the daily
 * limit (452), the size (552), the sender domain (553), the `From:` header, a malformed message,
 * storage (554), a failed AUTH with the hosting's account name, a recipient on the suppression
 * list.
 */
export const refusalReason = z.enum([
  "daily_limit",
  "size",
  "sender_domain",
  "from_header",
  "message",
  "storage",
  "auth",
  "suppressed",
]);
export type RefusalReasonName = z.infer<typeof refusalReason>;

/** The refusals list covers the per-script view's periods: the last 1, 7 or 30 UTC days. */
export const refusalsQuery = scriptsQuery;
export type RefusalsQuery = z.infer<typeof refusalsQuery>;

/** Submissions refused on one UTC day, by one script, for one reason. */
export const refusalRow = z.object({
  date: isoDate,
  script: z.string(),
  reason: refusalReason,
  count: z.number().int(),
});
export type RefusalRow = z.infer<typeof refusalRow>;

export const refusalList = z.object({
  /** Newest day first, then the most refused; at most `limit` rows. */
  items: z.array(refusalRow),
  /** Every refusal of the period, including rows past the list's bound. */
  total: z.number().int(),
  /** True when rows were left out (the list is bounded). */
  truncated: z.boolean(),
});
export type RefusalList = z.infer<typeof refusalList>;

/** The most messages a hosting may be allowed a day. */
export const MAX_DAILY_LIMIT = 1_000_000;

/** Support's change of a hosting's daily limit (0 stops all its mail), with its reason. */
export const dailyLimitRequest = z.object({
  maxPerDay: z.number().int().min(0).max(MAX_DAILY_LIMIT),
  reason: reasonText,
});
export type DailyLimitRequest = z.infer<typeof dailyLimitRequest>;

export const dailyLimit = z.object({
  serviceName: z.string(),
  maxPerDay: z.number().int(),
});
export type DailyLimit = z.infer<typeof dailyLimit>;
