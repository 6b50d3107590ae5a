import { type EmailStatus, QUEUE_COUNT_CAP } from "@scripts-email/contracts";

/** "10,000+" once the server stopped counting; the exact number below that. */
export function queueCount(
  formatNumber: (n: number) => string,
  status: Pick<EmailStatus, "countsCapped">,
  n: number,
): string {
  return status.countsCapped && n >= QUEUE_COUNT_CAP ? `${formatNumber(n)}+` : formatNumber(n);
}
