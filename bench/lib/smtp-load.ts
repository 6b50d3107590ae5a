// A small SMTP load generator on raw sockets: `sessions` concurrent sessions, AUTH PLAIN when
// given credentials (smtp-source has none), MAIL/RCPT/DATA pipelined when the server offers
// PIPELINING, and either a new connection per message (smtp-source's default, like one PHP
// mail() call each) or one connection reused for every message of a session (smtp-source -d).
import net from "node:net";
import { percentile } from "./figures.ts";

export interface LoadOptions {
  port: number;
  messages: number;
  sessions: number;
  /** Bytes of body after the headers; default 1024. */
  bodyBytes?: number;
  auth?: { user: string; pass: string } | undefined;
  /** Reuse one connection per session for all its messages; default false. */
  reuse?: boolean;
  /** Stop starting messages after this time (epoch ms): the result says how many were done. */
  deadline: number;
  from?: string;
  to?: string;
}

export interface LoadResult {
  accepted: number;
  refused: number;
  /** Connections that failed (reset, timeout). */
  dropped: number;
  /** Epoch ms of the first connection attempt and of the last 250 after DATA. */
  startedAt: number;
  lastAcceptAt: number;
  /** MAIL FROM sent → 250 after the data, per accepted message, ms. */
  txnMs: number[];
  /** First refusal texts, for the log. */
  errors: string[];
  /** CPU seconds of this (client) process during the load. */
  clientCpuS: number;
  partial: boolean;
}

export function summarize(r: LoadResult) {
  const seconds = Math.max(1e-9, (r.lastAcceptAt - r.startedAt) / 1000);
  return {
    rate: r.accepted / seconds,
    p50: percentile(r.txnMs, 50),
    p99: percentile(r.txnMs, 99),
    seconds,
  };
}

class Session {
  private buffer = "";
  private waiters: Array<{
    resolve(reply: { code: number; text: string }): void;
    reject(e: Error): void;
  }> = [];
  private lines: string[] = [];
  private ready: Array<{ code: number; text: string }> = [];
  private error: Error | undefined;
  readonly socket: net.Socket;

  constructor(port: number) {
    this.socket = net.connect({ port, host: "127.0.0.1", noDelay: true });
    this.socket.setEncoding("latin1");
    this.socket.on("data", (chunk: string) => this.onData(chunk));
    const fail = (e: Error) => {
      this.error ??= e;
      for (const w of this.waiters.splice(0)) w.reject(this.error);
    };
    this.socket.on("error", fail);
    this.socket.on("close", () => fail(new Error("connection closed")));
    this.socket.setTimeout(60_000, () => this.socket.destroy(new Error("reply timeout")));
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let i = this.buffer.indexOf("\r\n");
    while (i >= 0) {
      const line = this.buffer.slice(0, i);
      this.buffer = this.buffer.slice(i + 2);
      this.lines.push(line);
      // "250-..." continues a reply, "250 ..." ends it
      if (line.length < 4 || line[3] !== "-") {
        const text = this.lines.join("\n");
        this.lines = [];
        const reply = { code: Number.parseInt(line.slice(0, 3), 10), text };
        const w = this.waiters.shift();
        if (w) w.resolve(reply);
        else this.ready.push(reply); // pipelined replies can come before anyone asks
      }
      i = this.buffer.indexOf("\r\n");
    }
  }

  reply(): Promise<{ code: number; text: string }> {
    const ready = this.ready.shift();
    if (ready) return Promise.resolve(ready);
    if (this.error) return Promise.reject(this.error);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  write(text: string): void {
    this.socket.write(text, "latin1");
  }

  close(): void {
    this.socket.destroy();
  }
}

class Refused extends Error {}

async function expect(session: Session, code: number, what: string) {
  const r = await session.reply();
  if (r.code !== code) throw new Refused(`${what}: ${r.text.split("\n").pop()}`);
  return r;
}

export function messageText(index: number, bodyBytes: number, from: string, to: string): string {
  const headers =
    `From: <${from}>\r\nTo: <${to}>\r\nSubject: bench ${index}\r\n` +
    `Message-ID: <bench-${index}-${Date.now()}@bench.invalid>\r\n` +
    `Date: ${new Date().toUTCString()}\r\nMIME-Version: 1.0\r\n` +
    "Content-Type: text/plain; charset=us-ascii\r\n\r\n";
  const line = `${"abcdefghijklmnopqrstuvwxyz0123456789".repeat(2)}\r\n`; // 74 bytes
  let body = "";
  while (body.length + line.length <= bodyBytes) body += line;
  body += "x".repeat(Math.max(0, bodyBytes - body.length - 2));
  return `${headers + body}\r\n.\r\n`;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const bodyBytes = options.bodyBytes ?? 1024;
  // Scripts-email takes only the hosting's own domain (the AUTH user is its service name)
  const from =
    options.from ?? (options.auth ? `sender@${options.auth.user}` : "sender@bench.invalid");
  const to = options.to ?? "rcpt@bench.invalid";
  const reuse = options.reuse ?? false;
  const result: LoadResult = {
    accepted: 0,
    refused: 0,
    dropped: 0,
    startedAt: Date.now(),
    lastAcceptAt: Date.now(),
    txnMs: [],
    errors: [],
    clientCpuS: 0,
    partial: false,
  };
  const cpu0 = process.cpuUsage();
  let next = 0;
  const take = () => (next < options.messages && Date.now() < options.deadline ? next++ : -1);

  async function open(): Promise<{ session: Session; pipelining: boolean }> {
    const session = new Session(options.port);
    try {
      await expect(session, 220, "greeting");
      session.write("EHLO bench.invalid\r\n");
      const ehlo = await expect(session, 250, "EHLO");
      if (options.auth) {
        const token = Buffer.from(`\0${options.auth.user}\0${options.auth.pass}`).toString(
          "base64",
        );
        session.write(`AUTH PLAIN ${token}\r\n`);
        await expect(session, 235, "AUTH");
      }
      return { session, pipelining: /^250[- ]PIPELINING/im.test(ehlo.text) };
    } catch (error) {
      session.close();
      throw error;
    }
  }

  async function send(session: Session, pipelining: boolean, index: number) {
    const started = performance.now();
    if (pipelining) {
      session.write(`MAIL FROM:<${from}>\r\nRCPT TO:<${to}>\r\nDATA\r\n`);
      const replies = [await session.reply(), await session.reply(), await session.reply()];
      const [m, r, d] = replies;
      if (m?.code !== 250 || r?.code !== 250 || d?.code !== 354) {
        const bad = replies.find((x, i) => x.code !== (i === 2 ? 354 : 250));
        // a refused DATA after a refused RCPT leaves the session usable, but keep it simple
        throw new Refused(`MAIL/RCPT/DATA: ${bad?.text.split("\n").pop()}`);
      }
    } else {
      session.write(`MAIL FROM:<${from}>\r\n`);
      await expect(session, 250, "MAIL");
      session.write(`RCPT TO:<${to}>\r\n`);
      await expect(session, 250, "RCPT");
      session.write("DATA\r\n");
      await expect(session, 354, "DATA");
    }
    session.write(messageText(index, bodyBytes, from, to));
    await expect(session, 250, "end of data");
    result.txnMs.push(performance.now() - started);
    result.accepted++;
    result.lastAcceptAt = Date.now();
  }

  async function worker() {
    let conn: { session: Session; pipelining: boolean } | undefined;
    for (let index = take(); index >= 0; index = take()) {
      try {
        conn ??= await open();
        await send(conn.session, conn.pipelining, index);
        if (!reuse) {
          conn.session.write("QUIT\r\n");
          await conn.session.reply().catch(() => undefined);
          conn.session.close();
          conn = undefined;
        }
      } catch (error) {
        if (error instanceof Refused) result.refused++;
        else result.dropped++;
        if (result.errors.length < 5) result.errors.push(String((error as Error).message));
        conn?.session.close();
        conn = undefined;
        if (result.refused + result.dropped > Math.max(50, options.messages / 10)) break;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    if (conn) {
      conn.session.write("QUIT\r\n");
      await conn.session.reply().catch(() => undefined);
      conn.session.close();
    }
  }

  await Promise.all(Array.from({ length: options.sessions }, () => worker()));
  const cpu = process.cpuUsage(cpu0);
  result.clientCpuS = (cpu.user + cpu.system) / 1e6;
  result.partial = result.accepted < options.messages;
  return result;
}
