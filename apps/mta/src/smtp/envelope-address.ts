/** RFC 5321: a path is at most 256 octets; a mailbox in practice at most 254. */
export const MAX_ADDRESS = 254;

/**
 * Whether an envelope address can be stored and relayed safely: bounded, one `@`, no spaces,
 * control characters or angle brackets (a CR inside a command must not smuggle another one).
 * The empty reverse path (`MAIL FROM:<>`) is allowed for the sender only.
 */
export function isEnvelopeAddress(address: string, allowEmpty = false): boolean {
  if (address === "") return allowEmpty;
  if (address.length > MAX_ADDRESS) return false;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
  if (/[\s\x00-\x1f\x7f<>]/.test(address)) return false;
  const at = address.lastIndexOf("@");
  return at > 0 && at < address.length - 1 && address.indexOf("@") === at;
}
