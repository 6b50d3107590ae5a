import { DomainError, isUnstorableMessage, type RefusalReason } from "@scripts-email/domain";
import { type SmtpError, smtpError } from "./session/smtp-error.ts";

export { smtpError };

/**
 * The SMTP answer to a message the queue did not take. Only a failure that would recur gets a
 * 5xx; anything else is a 4xx, so the client keeps the message and sends it again (nothing was
 * acknowledged). `permanent` says whether the refusal was the message's own (worth a warning)
 * rather than ours (an error); `reason`, the refusal it counts as for its script, if any.
 */
export function storeFailureReply(error: unknown): {
  error: SmtpError;
  permanent: boolean;
  reason?: RefusalReason;
} {
  if (error instanceof DomainError && error.code === "daily_limit_reached") {
    const limit = error.params.limit;
    const figure = limit === undefined ? "" : ` of ${limit} messages`;
    return {
      error: smtpError(
        452,
        `Daily sending limit${figure} reached for this hosting, try again tomorrow`,
      ),
      permanent: true,
      reason: "daily_limit",
    };
  }
  if (error instanceof DomainError && error.code === "not_found") {
    return { error: smtpError(550, "This hosting no longer exists"), permanent: true };
  }
  if (isUnstorableMessage(error)) {
    // It failed on its own and the database refused its data: sent again, it fails again.
    return {
      error: smtpError(
        554,
        "5.6.0 Message refused: it cannot be stored (its header text is not valid), correct it before sending it again",
      ),
      permanent: true,
      reason: "storage",
    };
  }
  return { error: smtpError(451, "Temporary failure, try again later"), permanent: false };
}
