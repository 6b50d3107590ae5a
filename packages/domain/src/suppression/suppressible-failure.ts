/**
 * The enhanced status code of a relay's reply (RFC 3463), with or without the basic code before
 * it ("550 5.1.1 …" or "5.1.1 …"); null when it has none.
 */
export function enhancedStatus(text: string): string | null {
  const match = /^\s*(?:[245]\d\d[ -])?\s*([245]\.\d{1,3}\.\d{1,3})(?=\s|$|[:;,.])/.exec(text);
  return match ? match[1]! : null;
}

/**
 * Whether a permanent failure says the address itself is bad (5.1.x: no such mailbox, bad
 * address syntax, bad destination domain…): only those put a recipient on the hosting's
 * suppression list. Policy refusals (5.7.x), a full mailbox (5.2.2) and replies without an
 * enhanced status never do.
 */
export function isSuppressibleFailure(code: number | null, text: string): boolean {
  if (code === null || code < 500 || code > 599) return false;
  const status = enhancedStatus(text);
  return status?.startsWith("5.1.") ?? false;
}
