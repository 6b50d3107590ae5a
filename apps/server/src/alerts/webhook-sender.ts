import { createHmac } from "node:crypto";
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import {
  literalAddress,
  parseWebhookNetworks,
  refusedAddress,
  type WebhookNetworks,
  type WebhookSender,
} from "@scripts-email/domain";

export const SIGNATURE_HEADER = "x-scripts-email-signature";
export const TIMESTAMP_HEADER = "x-scripts-email-timestamp";

/** `v1=` and the hex HMAC-SHA256 of `timestamp + "." + body` (Stripe and Svix sign the same way). */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

type Resolve = (hostname: string) => Promise<LookupAddress[]>;

const systemResolve: Resolve = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    ),
  );

export interface WebhookSenderOptions {
  /** Internal networks (CIDR) the operator allows (ALERT_WEBHOOK_ALLOW_NETWORKS); none by default. */
  allowNetworks?: string | readonly string[];
  /** Name resolution; tests give their own. */
  resolve?: Resolve;
  /** Unix time in ms, for the signature's timestamp. */
  now?: () => number;
}

/**
 * Posts an alert as JSON with a time limit, signed with the hosting's key. Anything but a 2xx
 * answer is a failure (the alert service retries it later). The address connected to is the one
 * checked: a literal IP is checked as it is; a name is resolved once, at connect time, by the
 * lookup given to the socket, every address it has must be public (or allowed), and the socket
 * connects to the first of them, so a name cannot pass the check and then resolve elsewhere
 * (DNS rebinding). Redirects are never followed. TLS still checks the certificate against the
 * name, and the Host header carries it.
 */
export function createWebhookSender(options: WebhookSenderOptions = {}): WebhookSender {
  const networks: WebhookNetworks = parseWebhookNetworks(options.allowNetworks);
  const resolve = options.resolve ?? systemResolve;
  const now = options.now ?? Date.now;

  /** Resolves once and checks every address; the socket connects to the first. */
  async function checkedAddress(hostname: string): Promise<LookupAddress> {
    const addresses = await resolve(hostname);
    if (addresses.length === 0) throw new Error(`${hostname} has no address`);
    for (const a of addresses) {
      const refused = refusedAddress(a.address, networks);
      if (refused) throw new Error(`refused: ${hostname} resolves to ${refused}`);
    }
    return addresses[0]!;
  }

  const pinnedLookup: LookupFunction = (hostname, lookupOptions, callback) => {
    checkedAddress(hostname).then(
      (first) =>
        lookupOptions.all ? callback(null, [first]) : callback(null, first.address, first.family),
      (error: NodeJS.ErrnoException) => callback(error, "", 0),
    );
  };

  return async (url, payload, timeoutMs, secret) => {
    const target = new URL(url);
    if (target.protocol !== "https:" && target.protocol !== "http:") {
      throw new Error(`refused: ${target.protocol} is not http or https`);
    }
    const literal = literalAddress(target.hostname);
    if (literal !== null) {
      const refused = refusedAddress(literal, networks);
      if (refused) throw new Error(`refused: ${refused}`);
    }
    const body = JSON.stringify(payload);
    const timestamp = Math.floor(now() / 1000);
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "content-length": String(Buffer.byteLength(body)),
      "user-agent": "Scripts-email alerts",
      [TIMESTAMP_HEADER]: String(timestamp),
    };
    if (secret) headers[SIGNATURE_HEADER] = signWebhook(secret, timestamp, body);
    const status = await new Promise<number>((done, fail) => {
      const request = (target.protocol === "https:" ? https : http).request(
        {
          method: "POST",
          host: literal ?? target.hostname,
          port: target.port || undefined,
          path: `${target.pathname}${target.search}`,
          headers,
          // a fresh socket each time: a kept-alive one may have been opened under another check
          agent: false,
          lookup: pinnedLookup,
          signal: AbortSignal.timeout(timeoutMs),
        },
        (response) => {
          response.destroy();
          done(response.statusCode ?? 0);
        },
      );
      request.on("error", fail);
      request.end(body);
    });
    if (status >= 300 && status < 400) {
      throw new Error(`answered HTTP ${status}: redirects are not followed`);
    }
    if (status < 200 || status > 299) throw new Error(`answered HTTP ${status}`);
  };
}

/** Public addresses only: what the scheduler uses unless the operator allowed networks. */
export const postWebhook: WebhookSender = createWebhookSender();
