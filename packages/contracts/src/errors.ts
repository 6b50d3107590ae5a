import { z } from "zod";

export const errorCode = z.enum([
  "validation_failed",
  "unauthenticated",
  "invalid_credentials",
  "forbidden",
  "csrf_failed",
  "not_found",
  "invalid_transition",
  "blocked_by_support",
  "reason_required",
  /** A customer unblocking a spam block while mail flagged as spam is still held. */
  "spam_not_purged",
  /** A customer releasing mail the spam scanner flagged (only support may, with a reason). */
  "spam_release_forbidden",
  "already_exists",
  "too_many_attempts",
  "daily_limit_reached",
  /** Test mail to an address on the hosting's suppression list (remove it first). */
  "recipient_suppressed",
  "unavailable",
  "internal",
]);
export type ErrorCode = z.infer<typeof errorCode>;

export const fieldError = z.object({ path: z.string(), message: z.string() });

/** The one error body every endpoint returns. */
export const errorBody = z.object({
  error: z.object({
    code: errorCode,
    message: z.string(),
    fields: z.array(fieldError).optional(),
  }),
  requestId: z.string(),
});
export type ErrorBody = z.infer<typeof errorBody>;
