import type { MessageStatus } from "@scripts-email/contracts";

/**
 * When a message is given up, as the jobs that give it up read it: held mail expires at its hold
 * expiry (`expiresAt`, set at acceptance, read by the expiry job); queued mail, deferred or not
 * tried yet, is retried until its delivery deadline, accepted + DELIVERY_MAX_HOURS (the worker's
 * `maxLifetimeMs`), then fails. Other statuses are finished: their stored expiry is kept. Times
 * are ISO strings, as a list page reads them.
 */
export function givenUpAt(
  message: { status: MessageStatus; acceptedAt: string; expiresAt: string },
  maxLifetimeMs: number,
): string {
  if (message.status === "queued" || message.status === "sending") {
    return new Date(Date.parse(message.acceptedAt) + maxLifetimeMs).toISOString();
  }
  return message.expiresAt;
}
