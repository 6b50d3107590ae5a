import { Counter, Gauge, type Registry } from "prom-client";
import type { LimitEvent } from "./session-limits.ts";

const LIMIT_EVENTS: readonly LimitEvent[] = [
  "max_connections",
  "max_connections_per_account",
  "unauthenticated_evicted",
  "connection_ceiling",
  "idle_timeout",
  "session_timeout",
];

export interface SmtpLimitMetrics {
  limitReached(event: LimitEvent): void;
}

/**
 * The SMTP ingest's resource limits on the process's registry: connections refused and sessions
 * cut, by reason, and (read when scraped) the sessions open and the message data in memory, so
 * that an operator sees a flood and how close the caps are.
 */
export function createSmtpLimitMetrics(
  registry: Registry,
  load: () => { sessions: number; dataBytesInMemory: number },
): SmtpLimitMetrics {
  const registers = [registry];
  const refused = new Counter({
    name: "scripts_email_smtp_limited_total",
    help:
      "SMTP connections refused or sessions cut by a resource limit, by reason: max_connections " +
      "and max_connections_per_account (421 4.7.0), unauthenticated_evicted (an old session not " +
      "logged in, closed with 421 4.7.0 to make room at the cap), connection_ceiling (dropped " +
      "at accept, past the cap and its refusal slots), idle_timeout and session_timeout (421).",
    labelNames: ["reason"],
    registers,
  });
  // every reason is shown from the start, so that an alert on the cap has a series to watch
  for (const reason of LIMIT_EVENTS) refused.inc({ reason }, 0);
  new Gauge({
    name: "scripts_email_smtp_sessions",
    help: "SMTP sessions open now.",
    registers,
    collect() {
      this.set(load().sessions);
    },
  });
  new Gauge({
    name: "scripts_email_smtp_data_memory_bytes",
    help: "Message data SMTP sessions hold in memory now (bounded by SMTP_DATA_MEMORY_MB).",
    registers,
    collect() {
      this.set(load().dataBytesInMemory);
    },
  });
  return { limitReached: (reason) => refused.inc({ reason }) };
}
