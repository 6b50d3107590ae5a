import { readFileSync } from "node:fs";
import net from "node:net";

/**
 * How the session to the relay is protected (Postfix's smtp_tls_security_level):
 * - `required` ("encrypt"): STARTTLS (or smtps://) with a verified certificate, or no mail at all;
 * - `opportunistic` ("may"): STARTTLS when the relay offers it, plain text otherwise;
 * - `none`: never STARTTLS (a loopback relay whose TLS is broken).
 * Whatever the mode, a certificate is verified whenever TLS is used (unlike Postfix's "may"), and
 * credentials never go in clear to a relay that is not on loopback.
 */
export type RelayTlsMode = "required" | "opportunistic" | "none";

const MODES: readonly RelayTlsMode[] = ["required", "opportunistic", "none"];

/** Where the relay is and how to speak to it, from `SMTP_RELAY_URL`. */
export interface RelayEndpoint {
  host: string;
  port: number;
  /** smtps://: TLS from the first byte. */
  secure: boolean;
  tls: RelayTlsMode;
  /** PEM trust anchors from `?ca=`: they replace the system's for this relay. */
  ca?: Buffer;
  user?: string;
  pass?: string;
}

export class RelayUrlError extends Error {
  override name = "RelayUrlError";
}

/** 127.0.0.0/8, ::1, ::ffff:127.x and the name localhost: nothing crosses a network. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  if (bare === "localhost") return true;
  const v4 = bare.startsWith("::ffff:") ? bare.slice(7) : bare;
  if (net.isIPv4(v4)) return v4.startsWith("127.");
  return bare === "::1" || bare === "0:0:0:0:0:0:0:1";
}

/**
 * Reads `smtp[s]://user:pass@host:port?tls=required|opportunistic|none&ca=/path/ca.pem`.
 * Without `tls`: `required` when there are credentials and the host is not loopback (they must
 * never cross the network in clear), `opportunistic` otherwise. Throws a RelayUrlError whose text
 * an operator can act on; `readCa: false` checks the syntax only.
 */
export function parseRelayUrl(value: string, readCa = true): RelayEndpoint {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new RelayUrlError("must be a URL like smtp://user:password@host:587");
  }
  if (url.protocol !== "smtp:" && url.protocol !== "smtps:") {
    throw new RelayUrlError("must be a URL like smtp://user:password@host:587");
  }
  const secure = url.protocol === "smtps:";
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const user = url.username ? decodeURIComponent(url.username) : undefined;
  const loopback = isLoopback(host);
  const asked = url.searchParams.get("tls");
  if (asked !== null && !MODES.includes(asked as RelayTlsMode)) {
    throw new RelayUrlError(
      `tls=${asked} is not a TLS policy: use tls=required, tls=opportunistic or tls=none (a relay with a private certificate: add ca=/path/to/ca.pem)`,
    );
  }
  const tls = (asked as RelayTlsMode | null) ?? (user && !loopback ? "required" : "opportunistic");
  if (secure && tls === "none") {
    throw new RelayUrlError("smtps:// always speaks TLS: tls=none contradicts it");
  }
  if (tls === "none" && user !== undefined && !loopback) {
    throw new RelayUrlError(
      `tls=none with credentials would send the relay password in clear to ${host}: use tls=required (or a loopback relay)`,
    );
  }
  const caPath = url.searchParams.get("ca");
  let ca: Buffer | undefined;
  if (caPath !== null && readCa) {
    try {
      ca = readFileSync(caPath);
    } catch (error) {
      throw new RelayUrlError(`ca=${caPath} cannot be read (${(error as Error).message})`);
    }
    if (!ca.includes("-----BEGIN CERTIFICATE-----")) {
      throw new RelayUrlError(`ca=${caPath} holds no PEM certificate`);
    }
  }
  return {
    host,
    port: Number(url.port || (secure ? 465 : 25)),
    secure,
    tls,
    ...(ca ? { ca } : {}),
    ...(user !== undefined ? { user, pass: decodeURIComponent(url.password) } : {}),
  };
}

/** What is wrong with the URL, for the configuration check at start-up; null when it is usable. */
export function relayUrlProblem(value: string): string | null {
  try {
    parseRelayUrl(value);
    return null;
  } catch (error) {
    return error instanceof RelayUrlError ? error.message : String(error);
  }
}
