import { randomBytes } from "node:crypto";
import type net from "node:net";
import type tls from "node:tls";
import { SMTPServer } from "smtp-server";
import { SMTPConnection, type SMTPConnectionOptions } from "smtp-server/lib/smtp-connection.js";

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
 */
class PromptConnection extends SMTPConnection {
  private corked: net.Socket | tls.TLSSocket | null = null;

  override init(): void {
    this._setListeners(() => {
      const maxClients = this._server.options.maxClients;
      if (maxClients && this._server.connections.size > maxClients) {
        this.send(421, `${this.name} Too many connected clients, try again in a moment`, false);
        return;
      }
      this.connectionReady();
    });
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

/**
 * `SMTPServer` whose connections greet at once; `connect` mirrors the library's own. Without a
 * PROXY header to read, the library still defers every accepted socket by a `setImmediate` and
 * draws 10 random bytes for its session id (`_handleProxy`); here such a socket gets its id from a
 * counter and goes to `connect` at once. With `useProxy` the library's own path runs.
 */
export class PromptSmtpServer extends SMTPServer {
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
