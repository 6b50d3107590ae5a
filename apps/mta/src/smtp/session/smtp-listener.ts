import net, { type AddressInfo } from "node:net";
import tls from "node:tls";
import { AccountSessions, type LimitEvent, REFUSAL_SLOTS } from "../session-limits.ts";
import type { SessionHooks, SessionHost, SessionInfo, SmtpSessionOptions } from "./session-host.ts";
import { type SmtpError, smtpError } from "./smtp-error.ts";
import { SmtpSession } from "./smtp-session.ts";

export interface SmtpListenerOptions<U> extends SmtpSessionOptions {
  hooks: SessionHooks<U>;
  /** PEM key and certificate; STARTTLS is offered only when given. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** How long `close()` lets open sessions finish before cutting them. */
  closeTimeoutMs: number;
  /** The account of an authenticated user, for the per-account cap. */
  accountOf(user: U): string;
  onLimit?(event: LimitEvent): void;
  onError?(error: Error): void;
}

/**
 * The SMTP server: a net.Server whose sockets each get an SmtpSession, greeted at once.
 *
 * Connections are bounded twice: past `maxConnections` a session gets `421 4.7.0` (unless an
 * old unauthenticated session can make room), and past `maxConnections + REFUSAL_SLOTS` the
 * listener closes new sockets as it accepts them, so that a flood cannot take the descriptors
 * the rest of the process needs. The per-account cap is checked when AUTH succeeds.
 */
export class SmtpListener<U> implements SessionHost<U> {
  readonly server: net.Server;
  /** Open sessions, in arrival order. */
  readonly sessions = new Set<SmtpSession<U>>();
  readonly accounts: AccountSessions;
  readonly secureContext: tls.SecureContext | undefined;
  readonly hooks: SessionHooks<U>;
  closing = false;
  private ids = 0;
  private drained: (() => void) | null = null;
  private sweep: NodeJS.Timeout | undefined;

  constructor(readonly options: SmtpListenerOptions<U>) {
    this.hooks = options.hooks;
    this.accounts = new AccountSessions(options.limits.maxConnectionsPerAccount);
    this.secureContext = options.tls
      ? tls.createSecureContext({ key: options.tls.key, cert: options.tls.cert })
      : undefined;
    // Replies are gathered per turn (SmtpSession.flush): Nagle would only delay them.
    this.server = net.createServer({ noDelay: true }, (socket) => this.accept(socket));
    const max = options.limits.maxConnections;
    if (max) {
      this.server.maxConnections = max + REFUSAL_SLOTS;
      this.server.on("drop", () => this.limitReached("connection_ceiling"));
    }
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        this.startSweep();
        this.server.on("error", (error) => this.socketError(error));
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  /** Stops accepting; sessions still open after the close timeout are told so and cut. */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.sweep);
    const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
    if (this.sessions.size > 0) {
      const drained = new Promise<void>((resolve) => {
        this.drained = resolve;
      });
      const timer = setTimeout(() => {
        for (const session of this.sessions) session.shutdown();
        // a client that keeps its side open is not waited for
        setTimeout(() => {
          for (const session of this.sessions) session.shutdown();
        }, 1_000).unref();
      }, this.options.closeTimeoutMs);
      await drained;
      clearTimeout(timer);
    }
    await stopped;
  }

  /**
   * One timer for every session's timeouts: a quarter of the shortest, between 20 ms and 1 s
   * (a session is cut at most two sweeps late, never early).
   */
  private startSweep(): void {
    const { idleTimeoutMs, sessionTimeoutMs } = this.options.limits;
    const shortest = Math.min(idleTimeoutMs || Infinity, sessionTimeoutMs || Infinity);
    if (shortest === Infinity) return;
    const period = Math.max(20, Math.min(1_000, Math.floor(shortest / 4)));
    this.sweep = setInterval(() => {
      const now = Date.now();
      for (const session of this.sessions) session.tick(now);
    }, period);
    this.sweep.unref();
  }

  private accept(socket: net.Socket): void {
    this.ids = (this.ids + 1) % Number.MAX_SAFE_INTEGER;
    const session = new SmtpSession<U>(this, socket, this.ids.toString(36));
    this.sessions.add(session);
    const max = this.options.limits.maxConnections;
    if (max && this.sessions.size > max && !this.evictFor(session)) {
      this.limitReached("max_connections");
      session.refuse(
        `4.7.0 ${this.options.name} Too many connections to this server, try again in a moment`,
      );
      return;
    }
    session.start();
  }

  /**
   * Closes the oldest session that has not authenticated in `evictUnauthenticatedAfterMs` to
   * make room for `newcomer`; false when there is none.
   */
  private evictFor(newcomer: SmtpSession<U>): boolean {
    const afterMs = this.options.limits.evictUnauthenticatedAfterMs;
    if (!afterMs) return false;
    const now = Date.now();
    for (const session of this.sessions) {
      if (session !== newcomer && session.evictable(afterMs, now)) {
        this.limitReached("unauthenticated_evicted");
        session.refuse(
          "4.7.0 Too many connections to this server, closing an unauthenticated session",
        );
        return true;
      }
    }
    return false;
  }

  admit(user: U, session: SessionInfo<U>): SmtpError | null {
    if (this.accounts.admit(this.options.accountOf(user), session.id)) return null;
    this.limitReached("max_connections_per_account");
    return smtpError(
      421,
      `4.7.0 Too many connections for this account (at most ${this.options.limits.maxConnectionsPerAccount}), try again in a moment`,
    );
  }

  limitReached(event: LimitEvent): void {
    this.options.onLimit?.(event);
  }

  socketError(error: Error): void {
    // a client that goes away mid-reply is nothing to report
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ECONNRESET" || code === "EPIPE") return;
    this.options.onError?.(error);
  }

  ended(session: SessionInfo<U>): void {
    this.sessions.delete(session as SmtpSession<U>);
    this.accounts.release(session.id);
    if (this.sessions.size === 0 && this.drained) {
      this.drained();
      this.drained = null;
    }
  }
}
