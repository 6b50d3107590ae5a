import { readFileSync } from "node:fs";

/**
 * How many SMTP sessions may be open and for how long. Every website on the machine connects
 * from the same address, so the caps are global and per authenticated hosting, never per client
 * address (ARCHITECTURE.md, "Who is trusted").
 */
export interface SessionLimits {
  /** Sessions open at once on this server; more get `421 4.7.0` and are closed. 0: no cap. */
  maxConnections: number;
  /** Authenticated sessions of one hosting at once; more get `421 4.7.0` at AUTH. 0: no cap. */
  maxConnectionsPerAccount: number;
  /** A session that sends nothing for this long is closed (`421`), as Postfix's smtpd_timeout. */
  idleTimeoutMs: number;
  /**
   * A session open this long in all is closed (`421 4.4.2`) at its next pause, however busy it
   * keeps itself: the idle timeout alone lets one byte every few seconds hold a session forever.
   */
  sessionTimeoutMs: number;
  /**
   * At the global cap, a newcomer takes the place of the oldest session that has not
   * authenticated after this long (it gets `421 4.7.0`); only when there is none is the newcomer
   * refused. Every site connects from loopback, so without this one script opening idle
   * connections would shut every hosting out; scripts authenticate within milliseconds of the
   * greeting. 0: never.
   */
  evictUnauthenticatedAfterMs: number;
}

/** Why the server turned a connection away or cut a session (the metrics' `reason` label). */
export type LimitEvent =
  | "max_connections"
  | "max_connections_per_account"
  | "unauthenticated_evicted"
  | "connection_ceiling"
  | "idle_timeout"
  | "session_timeout";

/** Postfix's smtpd_timeout. */
export const DEFAULT_IDLE_TIMEOUT_MS = 300_000;
/** Twice the idle timeout: a script's session lasts well under a second, a 10 MB upload seconds. */
export const DEFAULT_SESSION_TIMEOUT_MS = 600_000;
/** Postfix's smtpd_client_connection_count_limit (half its default_process_limit of 100). */
export const DEFAULT_MAX_CONNECTIONS_PER_ACCOUNT = 50;
/** The global cap when the descriptor limit leaves room for it. */
export const DEFAULT_MAX_CONNECTIONS = 1_000;
/**
 * Descriptors kept for everything else in the process when the cap comes from the limit: the
 * API's clients, the database pool, the relay connections, files.
 */
export const FD_RESERVE = 512;
/**
 * Connections over the cap that still get a polite `421` while it goes out; past these, the
 * listener drops new connections as it accepts them (net.Server#maxConnections), so that a
 * flood never holds more than cap + these descriptors.
 */
export const REFUSAL_SLOTS = 64;

export const DEFAULT_SESSION_LIMITS: SessionLimits = {
  maxConnections: defaultMaxConnections(),
  maxConnectionsPerAccount: DEFAULT_MAX_CONNECTIONS_PER_ACCOUNT,
  idleTimeoutMs: DEFAULT_IDLE_TIMEOUT_MS,
  sessionTimeoutMs: DEFAULT_SESSION_TIMEOUT_MS,
  evictUnauthenticatedAfterMs: 1_000,
};

/**
 * The soft limit of open files (`ulimit -n`) as this process has it, or null where it cannot be
 * read (not Linux). Node raises the soft limit to the hard one at start, so this is the real one.
 */
export function openFileLimit(limitsFile = "/proc/self/limits"): number | null {
  try {
    const line = readFileSync(limitsFile, "utf8")
      .split("\n")
      .find((l) => l.startsWith("Max open files"));
    const soft = line?.slice("Max open files".length).trim().split(/\s+/)[0];
    if (soft === "unlimited") return Number.MAX_SAFE_INTEGER;
    const n = Number(soft);
    return Number.isInteger(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}

/**
 * 1,000 sessions, or fewer when the descriptor limit would leave less than FD_RESERVE for the
 * rest of the process once the cap and the refusal slots are used (at least 16).
 */
export function defaultMaxConnections(fdLimit: number | null = openFileLimit()): number {
  if (fdLimit === null) return DEFAULT_MAX_CONNECTIONS;
  const room = fdLimit - FD_RESERVE - REFUSAL_SLOTS;
  return Math.max(16, Math.min(DEFAULT_MAX_CONNECTIONS, room));
}

/** The authenticated sessions of each account, for the per-account cap. */
export class AccountSessions {
  private readonly accountOf = new Map<string, string>();
  private readonly counts = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** Counts the session in; false (and not counted) when the account has its maximum already. */
  admit(account: string, sessionId: string): boolean {
    if (this.accountOf.has(sessionId)) return true;
    const n = this.counts.get(account) ?? 0;
    if (this.max > 0 && n >= this.max) return false;
    this.accountOf.set(sessionId, account);
    this.counts.set(account, n + 1);
    return true;
  }

  /** The session ended; nothing happens for one that was never admitted. */
  release(sessionId: string): void {
    const account = this.accountOf.get(sessionId);
    if (account === undefined) return;
    this.accountOf.delete(sessionId);
    const n = (this.counts.get(account) ?? 1) - 1;
    if (n > 0) this.counts.set(account, n);
    else this.counts.delete(account);
  }

  count(account: string): number {
    return this.counts.get(account) ?? 0;
  }

  /** Authenticated sessions in all. */
  get size(): number {
    return this.accountOf.size;
  }
}
