// The benchmarks' SMTP load: the harness's load generator (packages/harness/src/smtp-load.ts)
// driven as smtp-source drives a server — `sessions` concurrent sessions, AUTH PLAIN when given
// credentials (smtp-source has none), MAIL/RCPT/DATA pipelined when the server offers
// PIPELINING, and either a new connection per message (smtp-source's default, like one PHP
// mail() call each) or one connection reused for every message of a session (smtp-source -d) —
// and its answers turned into the report's figures.
import { runSmtpLoad } from "@scripts-email/harness/smtp-load";
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
  return `${headers + body}\r\n`;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const bodyBytes = options.bodyBytes ?? 1024;
  const startedAt = Date.now();
  const cpu0 = process.cpuUsage();
  const submissions = await runSmtpLoad({
    port: options.port,
    ...(options.auth ? { user: options.auth.user, password: options.auth.pass } : {}),
    messages: options.messages,
    clients: options.sessions,
    subject: (index) => `bench ${index}`,
    // Scripts-email takes only the hosting's own domain (the AUTH user is its service name)
    from: options.from ?? (options.auth ? `sender@${options.auth.user}` : "sender@bench.invalid"),
    recipient: () => options.to ?? "rcpt@bench.invalid",
    message: (index, _subject, from, to) => messageText(index, bodyBytes, from, to),
    connectionPerMessage: !(options.reuse ?? false),
    pipelining: true,
    backoffMs: 50,
    replyTimeoutMs: 60_000,
    maxFailures: Math.max(50, options.messages / 10),
    deadline: options.deadline,
  });
  const cpu = process.cpuUsage(cpu0);
  const accepted = submissions.filter((s) => s.outcome.kind === "accepted");
  const errors: string[] = [];
  for (const { outcome: o } of submissions) {
    if (o.kind === "accepted" || errors.length >= 5) continue;
    errors.push(
      o.kind === "refused" ? `${o.stage}: ${o.code} ${o.text}` : `${o.stage}: ${o.error}`,
    );
  }
  return {
    accepted: accepted.length,
    refused: submissions.filter((s) => s.outcome.kind === "refused").length,
    dropped: submissions.filter((s) => s.outcome.kind === "dropped").length,
    startedAt,
    lastAcceptAt: startedAt + accepted.reduce((last, s) => Math.max(last, s.at), 0),
    txnMs: accepted.map((s) => s.ms),
    errors,
    clientCpuS: (cpu.user + cpu.system) / 1e6,
    partial: accepted.length < options.messages,
  };
}
