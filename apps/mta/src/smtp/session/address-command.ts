/** MAIL FROM / RCPT TO as parsed: the address (may be "" for MAIL FROM:<>) and its parameters. */
export interface AddressCommand {
  address: string;
  /** Upper-cased names; a parameter without `=` has the value true. */
  params: Map<string, string | true>;
}

// A line break, NUL or other control character has no place in an address or a parameter.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find them
const CONTROL = /[\x00-\x1f\x7f]/;

/**
 * Parses the argument of `MAIL FROM:` or `RCPT TO:` (`rest`: what follows the colon), or null
 * when it is not `<address> [params]` with a plausible address: one `@`, a local part of at most
 * 64 octets and a domain of at most 255 (RFC 5321 4.5.3.1). A source route is dropped.
 * Unknown parameters are kept and ignored by the session, as the SMTP library did.
 */
export function parseAddressCommand(rest: string, allowEmpty: boolean): AddressCommand | null {
  const parts = rest.trim().split(/\s+/);
  const bracketed = parts.shift() ?? "";
  if (!/^<[^<>]*>$/.test(bracketed)) return null;
  const address = bracketed.slice(1, -1).replace(/^@[^\s,:@]+(?:,@[^\s,:@]+)*:/, "");
  if (CONTROL.test(address)) return null;
  if (address === "") {
    if (!allowEmpty) return null;
  } else {
    const at = address.split("@");
    if (at.length !== 2 || !at[0] || !at[1] || at[0].length > 64 || at[1].length > 255) {
      return null;
    }
  }
  const params = new Map<string, string | true>();
  for (const param of parts) {
    if (param === "") continue;
    const eq = param.indexOf("=");
    const key = (eq === -1 ? param : param.slice(0, eq)).toUpperCase();
    if (key === "") continue;
    params.set(key, eq === -1 ? true : param.slice(eq + 1));
  }
  return { address, params };
}
