import { isIP } from "node:net";
import { domainToASCII } from "node:url";

/**
 * Which sender domains a hosting may use, in `MAIL FROM` and in the `From:` header. A hosting
 * always owns its service name and every subdomain of it (`example.org` sends from
 * `x@example.org` and `x@shop.example.org`); support adds other domains once the customer has
 * shown they own them, and each of those covers its subdomains too, as the service name does.
 */

/** More than this many extra domains on one hosting is a mistake, not a use. */
export const MAX_SENDER_DOMAINS = 100;

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * The canonical form of a domain typed by support: lower-case ASCII (IDNA through
 * `domainToASCII`, so `Exämple.org` is stored as `xn--exmple-cua.org`), without the final dot
 * of an absolute name. Null for anything that is not a plain host name of two labels or more:
 * wildcards, IP addresses in any spelling (`127.1`, `0x7f000001`, `[::1]`), empty labels,
 * underscores, an all-digit top-level label.
 */
export function normalizeSenderDomain(input: string): string | null {
  let value = input.trim().toLowerCase();
  if (value.endsWith(".")) value = value.slice(0, -1);
  if (value === "" || value.length > 253 || value.includes("*") || value.includes("[")) {
    return null;
  }
  if (isIP(value) !== 0) return null;
  const ascii = domainToASCII(value);
  // the URL host parser reads `127.1` and `0x7f000001` as IPv4 addresses
  if (ascii === "" || ascii.length > 253 || isIP(ascii) !== 0) return null;
  const labels = ascii.split(".");
  if (labels.length < 2 || !labels.every((label) => LABEL.test(label))) return null;
  if (/^[0-9]+$/.test(labels[labels.length - 1]!)) return null;
  return ascii;
}

/**
 * The domain of a mailbox address, canonical as `normalizeSenderDomain` makes it; null when the
 * address has no domain or its domain is an address literal (`x@[192.0.2.1]`).
 */
export function domainOfAddress(address: string): string | null {
  const at = address.lastIndexOf("@");
  if (at <= 0 || at === address.length - 1) return null;
  return normalizeSenderDomain(address.slice(at + 1));
}

/** Whether `domain` (canonical) is the service name, an extra domain, or a subdomain of one. */
export function isAllowedSenderDomain(
  domain: string,
  serviceName: string,
  extraDomains: readonly string[],
): boolean {
  for (const owned of [serviceName, ...extraDomains]) {
    if (domain === owned || domain.endsWith(`.${owned}`)) return true;
  }
  return false;
}

export type SenderVerdict =
  | { ok: true }
  | { ok: false; reason: "null_sender" | "no_domain" | "foreign_domain"; domain: string | null };

/** The rule for one sender address (`""` is the null sender `<>`). */
export function checkSenderAddress(
  address: string,
  hosting: { serviceName: string; senderDomains: readonly string[] },
): SenderVerdict {
  if (address === "") return { ok: false, reason: "null_sender", domain: null };
  const domain = domainOfAddress(address);
  if (domain === null) return { ok: false, reason: "no_domain", domain: null };
  if (isAllowedSenderDomain(domain, hosting.serviceName, hosting.senderDomains)) {
    return { ok: true };
  }
  return { ok: false, reason: "foreign_domain", domain };
}

/**
 * The extra domains after adding and removing some (removals win over additions of the same
 * domain), sorted and without duplicates. Throws nothing: callers normalise the inputs first.
 */
export function applySenderDomainChanges(
  current: readonly string[],
  add: readonly string[],
  remove: readonly string[],
): string[] {
  const next = new Set([...current, ...add]);
  for (const domain of remove) next.delete(domain);
  return [...next].sort();
}
