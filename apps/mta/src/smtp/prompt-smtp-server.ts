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
 */
class PromptConnection extends SMTPConnection {
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
}

/** `SMTPServer` whose connections greet at once; `connect` mirrors the library's own. */
export class PromptSmtpServer extends SMTPServer {
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
