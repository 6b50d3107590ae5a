import type { BlockCause } from "@scripts-email/contracts";
import type { RecipientResult } from "@scripts-email/domain";
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

export interface MtaMetrics {
  accepted(status: "queued" | "held"): void;
  observeDelivery(results: RecipientResult[], acceptedAt: Date, seconds: number): void;
  /** Results that came back after their claim had run out and been taken over (not recorded). */
  lateResults(messages: number): void;
  /**
   * A spam scan before relaying: `spam` (the scanner would reject it: held), `clean` (any other
   * verdict: relayed), `unscanned` (scanner down, slow or answering nonsense: relayed unscanned).
   * `seconds`: how long the scanner took; absent when it was not asked (paused after a failure).
   */
  spamScan(result: SpamScanResult, seconds?: number): void;
}

export type SpamScanResult = "clean" | "spam" | "unscanned";

/**
 * The mail path's Prometheus metrics, on the registry the process exposes at /metrics. The queue
 * depth is read from the database when scraped, so it is right whichever process moved the mail.
 */
export function createMtaMetrics(
  registry: Registry,
  queueDepth?: () => Promise<Record<string, number>>,
): MtaMetrics {
  const registers = [registry];
  const accepted = new Counter({
    name: "scripts_email_messages_accepted_total",
    help: "Messages accepted by SMTP ingest, by status (queued for delivery or held).",
    labelNames: ["status"],
    registers,
  });
  const outcomes = new Counter({
    name: "scripts_email_recipients_total",
    help: "Delivery attempts per recipient, by outcome (delivered, deferred, failed).",
    labelNames: ["outcome"],
    registers,
  });
  const notDelivered = new Counter({
    name: "scripts_email_delivery_failures_total",
    help:
      "Recipients not delivered, by outcome (deferred: retried later; failed: for good) and " +
      "kind (whose fault: recipient, message, relay; unknown when the relay did not say).",
    labelNames: ["outcome", "kind"],
    registers,
  });
  // every status, outcome and pair is shown from the start, so that rates and alerts have a
  // series to watch before the first message
  for (const status of ["queued", "held"]) accepted.inc({ status }, 0);
  for (const outcome of ["delivered", "deferred", "failed"]) outcomes.inc({ outcome }, 0);
  for (const outcome of ["deferred", "failed"]) {
    for (const kind of ["recipient", "message", "relay", "unknown"]) {
      notDelivered.inc({ outcome, kind }, 0);
    }
  }
  const relaySeconds = new Histogram({
    name: "scripts_email_relay_seconds",
    help: "Time to hand one message to the upstream relay.",
    buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
    registers,
  });
  const latency = new Histogram({
    name: "scripts_email_delivery_latency_seconds",
    help: "From acceptance to delivery, per delivered recipient.",
    buckets: [0.1, 0.5, 1, 5, 30, 60, 300, 3600, 86400],
    registers,
  });
  const late = new Counter({
    name: "scripts_email_late_delivery_results_total",
    help:
      "Messages whose delivery result came back after their claim had run out and another " +
      "worker had taken it over: ignored, and the message may have gone out twice.",
    registers,
  });
  const spamScans = new Counter({
    name: "scripts_email_spam_scans_total",
    help:
      "Spam scans of outgoing mail before relaying, by result: clean (relayed), spam (held), " +
      "unscanned (the scanner was down or slow: relayed without a verdict).",
    labelNames: ["result"],
    registers,
  });
  const spamScanSeconds = new Histogram({
    name: "scripts_email_spam_scan_seconds",
    help: "Time the spam scanner took to answer (or to be given up on), per message asked.",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 3, 10],
    registers,
  });
  // every result is shown from the start, so that an alert on `unscanned` has a series to watch
  for (const result of ["clean", "spam", "unscanned"]) spamScans.inc({ result }, 0);
  if (queueDepth) {
    new Gauge({
      name: "scripts_email_queue_depth",
      help: "Messages waiting in the queue, by status (queued, sending, held).",
      labelNames: ["status"],
      registers,
      async collect() {
        for (const [status, n] of Object.entries(await queueDepth())) this.set({ status }, n);
      },
    });
  }
  return {
    accepted: (status) => accepted.inc({ status }),
    lateResults: (messages) => late.inc(messages),
    spamScan(result, seconds) {
      spamScans.inc({ result });
      if (seconds !== undefined) spamScanSeconds.observe(seconds);
    },
    observeDelivery(results, acceptedAt, seconds) {
      relaySeconds.observe(seconds);
      const age = (Date.now() - acceptedAt.getTime()) / 1000;
      for (const r of results) {
        outcomes.inc({ outcome: r.outcome });
        if (r.outcome === "delivered") latency.observe(age);
        else notDelivered.inc({ outcome: r.outcome, kind: r.kind ?? "unknown" });
      }
    },
  };
}

/** The mail path's state that only the database knows, set by whoever reads it (the scheduler). */
export interface QueueGauges {
  /** When the oldest mail waiting for the relay was accepted (null: none waits). */
  oldestWaiting(acceptedAt: Date | null, now: Date): void;
  /** When the oldest due mail no worker has claimed became due (null: none). */
  oldestDue(dueAt: Date | null, now: Date): void;
  blockedHostings(byCause: Record<BlockCause, number>): void;
}

/**
 * The age of the oldest mail waiting for the relay and the hostings blocked by cause. Refreshed
 * by the scheduler role on its tick rather than read per scrape: the oldest-age read visits every
 * waiting row, and a relay outage is exactly when that queue is long.
 */
export function createQueueGauges(registry: Registry): QueueGauges {
  const registers = [registry];
  const oldest = new Gauge({
    name: "scripts_email_queue_oldest_age_seconds",
    help:
      "Age of the oldest message waiting for the relay (queued or sending; held mail excluded), " +
      "0 when none waits. Set by the scheduler role every few seconds.",
    registers,
  });
  const due = new Gauge({
    name: "scripts_email_queue_oldest_due_age_seconds",
    help:
      "How long the oldest due message (its time has come, deferred ones included once their " +
      "retry is due) has waited for a worker to claim it, 0 when none: the workers' backlog. " +
      "Set by the scheduler role every few seconds.",
    registers,
  });
  const blocked = new Gauge({
    name: "scripts_email_hostings_blocked",
    help:
      "Hostings blocked now, by cause: customer, support, or the automatic protection's burst, " +
      "bounce and spam. Set by the scheduler role every few seconds.",
    labelNames: ["cause"],
    registers,
  });
  return {
    oldestWaiting(acceptedAt, now) {
      oldest.set(acceptedAt ? Math.max(0, (now.getTime() - acceptedAt.getTime()) / 1000) : 0);
    },
    oldestDue(dueAt, now) {
      due.set(dueAt ? Math.max(0, (now.getTime() - dueAt.getTime()) / 1000) : 0);
    },
    blockedHostings(byCause) {
      for (const [cause, n] of Object.entries(byCause)) blocked.set({ cause }, n);
    },
  };
}
