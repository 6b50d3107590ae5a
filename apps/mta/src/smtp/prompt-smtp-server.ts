import { randomBytes } from "node:crypto";
import type net from "node:net";
import type tls from "node:tls";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";
import { SMTPConnection, type SMTPConnectionOptions } from "smtp-server/lib/smtp-connection.js";
import { AccountSessions, type LimitEvent, REFUSAL_SLOTS } from "./session-limits.ts";

/**
 * smtp-server 3.21 waits a fixed 100 ms before the 220 greeting to catch clients that talk too
 * early (`SMTPConnection#init`; no option turns it off). Our clients are the hosting's own
 * scripts on loopback and every PHP `mail()` opens a new connection, so the pause is pure
 * latency. This is the library's own `init` minus the timer: same listeners, same client limit,
 * then `connectionReady()` at once. Re-check it when upgrading smtp-server.
 *
 * Replies are also gathered per event-loop turn: the library writes each reply on its own
 * (`send` is its single write site), so the three replies to a pipelined MAIL, RCPT, DATA cost
 * three writes, three TCP segments and three wake-ups of the client. Here the socket is corked
 * at the first reply of a turn and uncorked on the next tick: the same bytes in the same order,
 * in one write. Before a TLS upgrade and a close, the replies are flushed first, so that the
 * 220 to STARTTLS goes out in clear text before the handshake takes the socket over.
 *
 * It also bounds the session's length (`sessionTimeout`, see `SessionLimits`), counts it out of
 * its account's sessions when it ends, and reports the limits it hits.
 */
class PromptConnection extends SMTPConnection {
  private corked: net.Socket | tls.TLSSocket | null = null;
  private sessionTimer: NodeJS.Timeout | undefined;
  readonly openedAt = Date.now();

  private get prompt(): PromptSmtpServer {
    return this._server as PromptSmtpServer;
  }

  override init(): void {
    this._setListeners(() => {
      const maxClients = this._server.options.maxClients;
      if (
        maxClients &&
        this._server.connections.size > maxClients &&
        !this.prompt.evictUnauthenticated(this)
      ) {
        this.prompt.limitReached("max_connections");
        this.send(
          421,
          `4.7.0 ${this.name} Too many connections to this server, try again in a moment`,
          false,
        );
        return;
      }
      const sessionTimeout = this.prompt.promptOptions.sessionTimeout;
      if (sessionTimeout) {
        this.sessionTimer = setTimeout(() => this.expire(sessionTimeout), sessionTimeout);
        this.sessionTimer.unref();
      }
      this.connectionReady();
    });
  }

  /**
   * Closes a session that lasted too long, but never while the client waits for our answer to a
   * command or a message: a 421 then could make it send again a message we are committing.
   */
  private expire(sessionTimeout: number): void {
    if (this._closing || this._closed) return;
    const parser = this._parser;
    if (this._handlerPending || (this._dataStream && parser && !parser._dataMode)) {
      this.sessionTimer = setTimeout(() => this.expire(sessionTimeout), 1_000);
      this.sessionTimer.unref();
      return;
    }
    this.prompt.limitReached("session_timeout");
    this.send(
      421,
      `4.4.2 Session open for more than ${Math.round(sessionTimeout / 1000)} s, closing connection`,
    );
  }

  /** Whether the session may be evicted for a newcomer: not logged in, and not for a while. */
  evictable(afterMs: number, now: number): boolean {
    return (
      !this.session.user &&
      !this._closing &&
      !this._closed &&
      !this._handlerPending &&
      now - this.openedAt >= afterMs
    );
  }

  /** Makes room at the global cap (see SessionLimits.evictUnauthenticatedAfterMs). */
  evict(): void {
    this.prompt.limitReached("unauthenticated_evicted");
    this.send(421, "4.7.0 Too many connections to this server, closing an unauthenticated session");
  }

  override _onTimeout(): void {
    const wasClosing = this._closing;
    super._onTimeout();
    // The library answers 421 and closes a session idle for `socketTimeout`.
    if (!wasClosing && this._closing) this.prompt.limitReached("idle_timeout");
  }

  override _onClose(): void {
    clearTimeout(this.sessionTimer);
    this.prompt.accounts.release(this.id);
    super._onClose();
  }

  override send(code: number, data?: string | string[] | null, context?: string | false): void {
    const socket = this._socket;
    if (this.corked !== socket && !socket.destroyed && socket.writable) {
      this.flush();
      this.corked = socket;
      socket.cork();
      process.nextTick(() => this.flush());
    }
    super.send(code, data, context);
  }

  override upgrade(callback: () => void, secureCallback?: () => void): void {
    this.flush();
    super.upgrade(callback, secureCallback);
  }

  override close(): void {
    this.flush();
    super.close();
  }

  /** Writes the replies gathered so far. */
  private flush(): void {
    const socket = this.corked;
    if (!socket) return;
    this.corked = null;
    socket.uncork();
  }
}

/** Session ids for the library's logs: a random prefix per process and a counter. */
const ID_PREFIX = randomBytes(5).readUIntBE(0, 5).toString(32).padStart(8, "0");
let sessions = 0;

export interface PromptSmtpServerOptions extends SMTPServerOptions {
  /** Authenticated sessions of one account at once; more get `421 4.7.0` at AUTH. 0: no cap. */
  maxClientsPerAccount?: number;
  /** Milliseconds a session may last in all; 0 or unset: no limit. */
  sessionTimeout?: number;
  /** At `maxClients`, evict the oldest session not authenticated after this long; 0: never. */
  evictUnauthenticatedAfter?: number;
  /** The account of an authenticated user (`onAuth`'s `response.user`); default its string. */
  accountOf?: (user: unknown) => string;
  /** Told of every connection turned away and every session cut by a limit. */
  onLimit?: (event: LimitEvent) => void;
}

/**
 * `SMTPServer` whose connections greet at once; `connect` mirrors the library's own. Without a
 * PROXY header to read, the library still defers every accepted socket by a `setImmediate` and
 * draws 10 random bytes for its session id (`_handleProxy`); here such a socket gets its id from a
 * counter and goes to `connect` at once. With `useProxy` the library's own path runs.
 *
 * Connections are bounded twice: past `maxClients` a session gets `421 4.7.0` (the library's
 * check, unless an old unauthenticated session can make room), and past
 * `maxClients + REFUSAL_SLOTS` the listener closes new sockets as it accepts them, so that a
 * flood cannot take the descriptors the rest of the process needs. The per-account cap is
 * checked when AUTH succeeds.
 */
export class PromptSmtpServer extends SMTPServer {
  readonly accounts: AccountSessions;
  readonly promptOptions: PromptSmtpServerOptions;

  constructor(options: PromptSmtpServerOptions = {}) {
    super(options);
    this.promptOptions = options;
    this.accounts = new AccountSessions(options.maxClientsPerAccount ?? 0);
    if (options.maxClients) {
      this.server.maxConnections = options.maxClients + REFUSAL_SLOTS;
      this.server.on("drop", () => this.limitReached("connection_ceiling"));
    }
    const onAuth = this.onAuth;
    const accountOf = options.accountOf ?? ((user: unknown) => String(user));
    this.onAuth = (auth, session, callback) => {
      onAuth.call(this, auth, session, (err, response) => {
        if (err || !response?.user) return callback(err, response);
        if (this.accounts.admit(accountOf(response.user), session.id)) {
          return callback(null, response);
        }
        this.limitReached("max_connections_per_account");
        const refused: Error & { responseCode?: number } = new Error(
          `4.7.0 Too many connections for this account (at most ${options.maxClientsPerAccount}), try again in a moment`,
        );
        refused.responseCode = 421;
        callback(refused);
      });
    };
  }

  /**
   * Closes the oldest session that has not authenticated in `evictUnauthenticatedAfter` to make
   * room for `newcomer`; false when there is none. The set keeps connections in arrival order.
   */
  evictUnauthenticated(newcomer: SMTPConnection): boolean {
    const afterMs = this.promptOptions.evictUnauthenticatedAfter;
    if (!afterMs) return false;
    const now = Date.now();
    for (const connection of this.connections) {
      if (connection === newcomer || !(connection instanceof PromptConnection)) continue;
      if (connection.evictable(afterMs, now)) {
        connection.evict();
        return true;
      }
    }
    return false;
  }

  limitReached(event: LimitEvent): void {
    this.promptOptions.onLimit?.(event);
  }

  override _handleProxy(
    socket: net.Socket,
    callback: (err: Error | null, socketOptions?: SMTPConnectionOptions & { id: string }) => void,
  ): void {
    if (this._expectsProxyHeader(socket)) {
      super._handleProxy(socket, callback);
      return;
    }
    sessions = (sessions + 1) % 2 ** 40;
    const ignoredHosts = this.options.ignoredHosts;
    callback(null, {
      id: ID_PREFIX + sessions.toString(32).padStart(8, "0"),
      ignore: !!ignoredHosts && ignoredHosts.includes(socket.remoteAddress ?? ""),
    });
  }

  override connect(
    socket: net.Socket | tls.TLSSocket,
    socketOptions?: SMTPConnectionOptions | null,
  ): void {
    const connection = new PromptConnection(this, socket, socketOptions);
    this.connections.add(connection);
    connection.on("error", (err: Error) => this._onError(err));
    connection.on("connect", (data) => this._onClientConnect(data));
    connection.init();
  }
}
