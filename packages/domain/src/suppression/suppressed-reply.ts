/**
 * Why mail to an address on the suppression list is refused, as the SMTP server answers it after
 * `550 5.1.1 ` (and the sendmail command reports it): names the list, since when, and the way out.
 */
export function suppressedReplyText(address: string, addedAt: Date): string {
  const since = addedAt.toISOString().slice(0, 10);
  return (
    `<${address}>: on this hosting's suppression list since ${since} after a permanent ` +
    "failure; remove it in the panel to send again"
  );
}
