import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export interface RelayedMessage {
  from: string;
  to: string[];
  raw: Buffer;
}

export type RelayMode = "accept" | "defer-data" | "reject-data" | "greet-421";

/**
 * An upstream relay for tests, on loopback, built on a real SMTP server. Recipients decide their
 * own fate: `name+451@…` is deferred at RCPT, `name+550@…` refused; `mode` decides the DATA reply,
 * except `greet-421`, which answers every new connection `421` and closes it (a relay that is up
 * but refuses service, e.g. overloaded or in maintenance).
 */
export interface TestRelay {
  url: string;
  port: number;
  received: RelayedMessage[];
  mode: RelayMode;
  /** Milliseconds each message waits before its DATA reply (a slow relay); 0 by default. */
  delayMs: number;
  /** Connections turned away with a 421 greeting in `greet-421` mode. */
  refusedConnections: number;
  /**
   * Replies given at RCPT TO to these addresses, e.g. 550 "5.1.1 … User unknown" (an enhanced
   * status); empty by default.
   */
  recipientReplies: Map<string, { code: number; text: string }>;
  close(): Promise<void>;
}

export interface TestRelayOptions {
  delayMs?: number;
}

export async function startTestRelay(port = 0, options: TestRelayOptions = {}): Promise<TestRelay> {
  const relay: TestRelay = {
    url: "",
    port: 0,
    received: [],
    mode: "accept",
    delayMs: options.delayMs ?? 0,
    refusedConnections: 0,
    recipientReplies: new Map(),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    disableReverseLookup: true,
    logger: false,
    // pooled clients keep their connections open: closing must not wait 30 s for them
    closeTimeout: 200,
    onConnect(_session, callback) {
      if (relay.mode !== "greet-421") return callback();
      relay.refusedConnections++;
      const error = new Error("Service not available, try again later") as Error & {
        responseCode: number;
      };
      error.responseCode = 421;
      callback(error);
    },
    onRcptTo(address, _session, callback) {
      const reply = relay.recipientReplies.get(address.address);
      if (reply) {
        const error = new Error(reply.text) as Error & { responseCode: number };
        error.responseCode = reply.code;
        return callback(error);
      }
      const code = /\+(\d{3})@/.exec(address.address)?.[1];
      if (code === "451" || code === "550") {
        const error = new Error(code === "451" ? "Try again later" : "No such user") as Error & {
          responseCode: number;
        };
        error.responseCode = Number(code);
        return callback(error);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", async () => {
        if (relay.delayMs > 0) await new Promise((r) => setTimeout(r, relay.delayMs));
        if (relay.mode === "defer-data" || relay.mode === "reject-data") {
          const code = relay.mode === "defer-data" ? 451 : 554;
          const error = new Error(`Relay says ${code}`) as Error & { responseCode: number };
          error.responseCode = code;
          return callback(error);
        }
        relay.received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
        });
        callback(null, "Message accepted");
      });
    },
  });
  // A client that dies mid-session (a SIGKILLed worker) resets its connection: not the relay's fault.
  server.on("error", () => undefined);
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", () => resolve()));
  relay.port = (server.server.address() as AddressInfo).port;
  relay.url = `smtp://127.0.0.1:${relay.port}`;
  return relay;
}
