import ipaddr from "ipaddr.js";

/**
 * Which addresses an alert webhook may reach. Customers choose the URL, so without this rule the
 * server would post (and retry) to whatever its own network can reach: the cloud metadata
 * service, the database, an admin port on loopback. Only public unicast addresses are allowed,
 * plus the networks the operator lists (ALERT_WEBHOOK_ALLOW_NETWORKS, e.g. a local receiver).
 */
export interface WebhookNetworks {
  readonly allowed: ReadonlyArray<[ipaddr.IPv4 | ipaddr.IPv6, number]>;
}

export const NO_EXTRA_NETWORKS: WebhookNetworks = { allowed: [] };

/** `10.1.0.0/16, ::1/128`: CIDR ranges separated by commas or spaces; throws on a bad one. */
export function parseWebhookNetworks(
  text: string | readonly string[] | undefined,
): WebhookNetworks {
  const items = (typeof text === "string" ? text.split(/[\s,]+/) : [...(text ?? [])])
    .map((item) => item.trim())
    .filter((item) => item !== "");
  return {
    allowed: items.map((item) => {
      try {
        const [address, bits] = ipaddr.parseCIDR(item);
        // a mapped IPv6 range is written as what it maps: addresses are compared processed
        return address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress()
          ? [(address as ipaddr.IPv6).toIPv4Address(), Math.max(bits - 96, 0)]
          : [address, bits];
      } catch {
        throw new Error(`"${item}" is not a network in CIDR form, e.g. 10.0.0.0/8 or fd00::/8`);
      }
    }),
  };
}

/**
 * The range an address belongs to, as ipaddr.js names it ("unicast" for a public address;
 * "loopback", "private", "linkLocal", "uniqueLocal", "carrierGradeNat", "multicast",
 * "unspecified", "reserved", "6to4"…), IPv4-mapped IPv6 addresses judged as the IPv4 address
 * they carry. IPv4-compatible addresses (`::a.b.c.d`, deprecated) are "ipv4Compatible".
 */
export function addressRange(address: string): string {
  // ipaddr.js reads "::a.b.c.d" as if it were mapped; inet_ntop writes compatible ones so
  if (/^::\d{1,3}(\.\d{1,3}){3}$/.test(address)) return "ipv4Compatible";
  const raw = ipaddr.parse(address);
  if (raw.kind() === "ipv6") {
    const parts = (raw as ipaddr.IPv6).parts;
    if (parts.slice(0, 6).every((p) => p === 0) && (parts[6] !== 0 || parts[7]! > 1)) {
      return "ipv4Compatible";
    }
  }
  return ipaddr.process(address).range();
}

/** Null when the webhook may connect to this IP address, else why not. */
export function refusedAddress(address: string, networks: WebhookNetworks): string | null {
  if (!ipaddr.isValid(address)) return `"${address}" is not an IP address`;
  const parsed = ipaddr.process(address);
  for (const [network, bits] of networks.allowed) {
    if (network.kind() === parsed.kind() && parsed.match(network, bits)) return null;
  }
  const range = addressRange(address);
  return range === "unicast" ? null : `${address} is a ${range} address`;
}

/** A literal IP host of a URL (brackets removed), or null for a name. */
export function literalAddress(hostname: string): string | null {
  const bare = hostname.startsWith("[") ? hostname.slice(1, -1) : hostname;
  return ipaddr.isValid(bare) ? bare : null;
}

/**
 * The check made when a URL is saved, without resolving names (delivery resolves and checks
 * again): a literal internal IP is refused, and so is `localhost` and its subdomains (RFC 6761
 * names that always mean loopback), unless the operator allowed that network.
 */
export function refusedWebhookUrl(url: string, networks: WebhookNetworks): string | null {
  const host = new URL(url).hostname.toLowerCase();
  const literal = literalAddress(host);
  if (literal !== null) return refusedAddress(literal, networks);
  if (host === "localhost" || host.endsWith(".localhost")) {
    return refusedAddress("127.0.0.1", networks) && refusedAddress("::1", networks);
  }
  return null;
}
