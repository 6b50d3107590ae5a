import net from "node:net";
import type { DeliveryJob } from "@scripts-email/domain";
import { createSmtpRelay, type Relay } from "@scripts-email/mta";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";
import { afterEach } from "vitest";

// Real SMTP conversations on loopback: smtp-server as the upstream relay, or a scripted one
// where a test needs a server that misbehaves at a precise step.

export interface Received {
  from: string;
  to: string[];
  raw: Buffer;
  secure: boolean;
  user: string | undefined;
}

export interface TestServer {
  port: number;
  url: string;
  received: Received[];
  /** Connections accepted so far. */
  connections: number;
  /** The DATA reply for the next messages: null accepts. */
  dataCode: number | null;
  close(): Promise<void>;
}

export const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

export function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

export async function startServer(options: SMTPServerOptions = {}): Promise<TestServer> {
  const state: TestServer = {
    port: 0,
    url: "",
    received: [],
    connections: 0,
    dataCode: null,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    disableReverseLookup: true,
    logger: false,
    closeTimeout: 100,
    onConnect(_session, callback) {
      state.connections++;
      callback();
    },
    onRcptTo(address, _session, callback) {
      const code = /\+(\d{3})@/.exec(address.address)?.[1];
      if (code) return callback(smtpError(Number(code), `Recipient says ${code}`));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        if (state.dataCode)
          return callback(smtpError(state.dataCode, `Data says ${state.dataCode}`));
        state.received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
          secure: session.secure,
          user: session.user as string | undefined,
        });
        callback(null, "Message accepted");
      });
    },
    ...options,
  });
  server.on("error", () => undefined);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  state.port = (server.server.address() as net.AddressInfo).port;
  state.url = `smtp://127.0.0.1:${state.port}`;
  cleanups.push(() => state.close());
  return state;
}

/**
 * A hand-written SMTP server: `answer` gives the reply to each command line (`null`: say nothing,
 * `"drop"`: close the connection) and to each message's content (as the line `<content>`).
 * Every chunk the client wrote is kept, to see what went in one write.
 */
export async function startScripted(
  answer: (line: string, connection: number) => string | null | "drop",
  greeting = "220 scripted ESMTP",
) {
  const chunks: string[] = [];
  const contents: string[] = [];
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    const connection = ++connections;
    let pending = "";
    let content: string | null = null;
    if (greeting) socket.write(`${greeting}\r\n`);
    socket.on("data", (data: Buffer) => {
      chunks.push(data.toString("latin1"));
      pending += data.toString("latin1");
      let out = "";
      for (;;) {
        if (content !== null) {
          const end = pending.indexOf("\r\n.\r\n");
          if (end === -1) break;
          content += pending.slice(0, end + 2);
          pending = pending.slice(end + 5);
          contents.push(content);
          content = null;
          const reply = answer("<content>", connection);
          if (reply === "drop") return void socket.destroy();
          if (reply !== null) out += `${reply}\r\n`;
          continue;
        }
        const nl = pending.indexOf("\r\n");
        if (nl === -1) break;
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 2);
        if (line.toUpperCase() === "QUIT") {
          socket.end("221 bye\r\n");
          return;
        }
        const reply = answer(line, connection);
        if (reply === "drop") {
          if (out) socket.write(out);
          return void socket.destroy();
        }
        if (reply !== null) out += `${reply}\r\n`;
        if (reply?.startsWith("354")) content = "";
      }
      if (out) socket.write(out);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    chunks,
    contents,
    connections: () => connections,
  };
}

/** Answers like a plain server; `ehlo` lists the extensions offered. */
export function ordinary(line: string, ehlo = ["PIPELINING"]): string | null {
  const verb = line.slice(0, 4).toUpperCase();
  if (verb === "EHLO")
    return ["scripted", ...ehlo]
      .map((l, i, a) => `250${i < a.length - 1 ? "-" : " "}${l}`)
      .join("\r\n");
  if (verb === "DATA") return "354 go ahead";
  if (verb === "RSET") return "250 reset";
  if (line === "<content>") return "250 queued as X1";
  return "250 ok";
}

let sequence = 0;
export function job(recipients: string[], raw?: Buffer | string): DeliveryJob {
  sequence++;
  return {
    id: `m${sequence}`,
    hostingId: null,
    serviceName: "_test",
    envelopeFrom: "site@example.test",
    recipients,
    raw: Buffer.isBuffer(raw)
      ? raw
      : Buffer.from(
          raw ?? `Subject: test ${sequence}\r\nMessage-ID: <${sequence}@x>\r\n\r\nHello.\r\n`,
        ),
    deliveredBefore: 0,
    attempts: 0,
  } as DeliveryJob;
}

export function relayFor(
  url: string,
  options: { maxConnections?: number; timeoutSeconds?: number } = {},
) {
  const relay: Relay = createSmtpRelay({ url, timeoutSeconds: 5, ...options });
  cleanups.push(() => relay.close());
  return relay;
}
