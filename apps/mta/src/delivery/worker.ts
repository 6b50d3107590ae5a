import {
  type DeliveryJob,
  type DeliveryService,
  type Logger,
  type RecipientResult,
  silentLogger,
} from "@scripts-email/domain";
import type { MtaMetrics } from "../metrics.ts";
import { deliverRound, type Finished } from "./delivery-round.ts";
import { HealthRecorder, type HealthSink } from "./health-recorder.ts";
import type { Relay } from "./relay.ts";
import { createScanBeforeRelay } from "./scan-before-relay.ts";
import type { SpamScanner } from "./spam-scanner.ts";

/**
 * How long a finished message's result may wait for others to share its write: a few
 * milliseconds, so that a crash finds almost nothing answered and unrecorded.
 */
const RECORD_GROUP_MS = 5;

export interface WorkerOptions {
  /** Messages claimed per round. */
  batchSize?: number;
  /** Messages relayed at once within a round. */
  concurrency?: number;
  /**
   * Messages handed to the relay and not recorded yet, at most (what a crash can send twice).
   * Default three times `concurrency`: up to `concurrency` at the relay, and answered ones while a
   * group of results is being written and the next forms (twice `concurrency` halved the rate to
   * a relay on loopback: every write made the relay wait). Before, a crash repeated a whole round.
   */
  maxUnrecorded?: number;
  /** Pause when nothing is due. */
  idleMs?: number;
  /** Pause between attempts to record a round's results while the database is away. */
  recordRetryMs?: number;
  /** How long to keep trying to record them (default 4 min). */
  recordRetryForMs?: number;
  metrics?: MtaMetrics;
  /**
   * Scans the site's mail before it is relayed (SPAM_SCANNER_URL): mail the scanner would reject
   * is held as spam, not relayed. A scanner that is down or slow never holds mail back: after its
   * timeout the message goes out unscanned (counted, and warned about once per
   * `unscannedWarningMs`), and so does the mail of the next `scannerPauseMs` without asking it.
   * Unset: no scanning.
   */
  scanner?: SpamScanner;
  /** At most one warning about unscanned mail per this long; default one minute. */
  unscannedWarningMs?: number;
  /** How long after a failure the scanner is not asked (default 10 s); 0 asks it every time. */
  scannerPauseMs?: number;
  /** Warnings need an operator's eye; the others are informational. Default: nothing. */
  log?: Logger;
  /**
   * Where the relay's and the scanner's health goes (the mail path's `health`): counted in
   * memory, written every `healthFlushMs` (default 5 s) while the worker runs. Unset: not kept.
   */
  health?: HealthSink;
  healthFlushMs?: number;
}

export interface DeliveryWorker {
  /** One round: claim, relay and record as each finishes. Returns how many messages it claimed. */
  runOnce(): Promise<number>;
  start(): void;
  /**
   * Lets the messages at the relay finish and records them, gives back the round's claims not
   * started yet, then stops.
   */
  stop(): Promise<void>;
}

export function createDeliveryWorker(
  delivery: DeliveryService,
  relay: Relay,
  options: WorkerOptions = {},
): DeliveryWorker {
  const batchSize = options.batchSize ?? 100;
  const concurrency = options.concurrency ?? 10;
  const maxUnrecorded = Math.max(options.maxUnrecorded ?? 3 * concurrency, 1);
  const idleMs = options.idleMs ?? 500;
  const recordRetryMs = options.recordRetryMs ?? 1_000;
  const recordRetryForMs = options.recordRetryForMs ?? 240_000;
  const log = options.log ?? silentLogger;
  let running = false;
  let stopping = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  const health =
    options.health &&
    new HealthRecorder(options.health, {
      log,
      ...(options.healthFlushMs ? { flushMs: options.healthFlushMs } : {}),
    });

  async function relayOne(job: DeliveryJob): Promise<RecipientResult[]> {
    const started = performance.now();
    let results: RecipientResult[];
    try {
      results = await relay.deliver(job);
    } catch (error) {
      // A relay that throws (disk full in capture mode, a bug) defers; nothing is lost.
      const text = error instanceof Error ? error.message : String(error);
      results = job.recipients.map((recipient) => ({
        recipient,
        outcome: "deferred",
        code: null,
        text,
        // our side's fault: if it outlasts DELIVERY_MAX_HOURS it must not count as a bounce
        kind: "relay",
      }));
    }
    options.metrics?.observeDelivery(results, job.acceptedAt, (performance.now() - started) / 1000);
    health?.relayResults(results);
    for (const r of results) {
      if (r.outcome !== "delivered") {
        log.info(
          {
            messageId: job.id,
            hosting: job.serviceName,
            recipient: r.recipient,
            outcome: r.outcome,
            code: r.code,
            text: r.text,
          },
          "delivery not completed",
        );
      }
    }
    return results;
  }

  const scan =
    options.scanner &&
    createScanBeforeRelay({
      scanner: options.scanner,
      metrics: options.metrics,
      log,
      warningEveryMs: options.unscannedWarningMs ?? 60_000,
      pauseMs: options.scannerPauseMs ?? 10_000,
      health,
    });

  async function sendOne(job: DeliveryJob): Promise<Finished> {
    // flagged before and not released by hand: held again as it is, never relayed
    if (job.flaggedSpam) return { job, spam: null };
    const verdict = scan && job.needsScan ? await scan(job) : undefined;
    if (verdict?.action === "reject") return { job, spam: verdict };
    const recipients = await relayOne(job);
    return verdict ? { job, recipients, scan: verdict } : { job, recipients };
  }

  let sweptAt = 0;

  async function runOnce(): Promise<number> {
    // Claims a dead worker left behind queue up again at their place every third of a lease
    // (the claim alone would find them only after everything due before their lease's end).
    if (Date.now() - sweptAt >= delivery.leaseMs / 3) {
      sweptAt = Date.now();
      const requeued = await delivery.requeueLapsed();
      if (requeued > 0) {
        log.warn({ count: requeued }, "claims of a dead worker put back in the queue");
      }
    }
    const jobs = await delivery.claim(batchSize);
    if (jobs.length === 0) return 0;
    await deliverRound(jobs, {
      delivery,
      concurrency,
      flushMs: RECORD_GROUP_MS,
      maxUnrecorded,
      sendOne,
      record,
      stopping: () => stopping,
      log,
    });
    log.info({ messages: jobs.length }, "delivery round");
    return jobs.length;
  }

  /**
   * The group's mail has gone out: if its results were dropped on a database blip, the claims
   * would stay `sending` until their lease ran out and then go out a second time. So recording
   * is retried for a while. That is safe: it is one transaction, and each update is conditional
   * on this worker's lease, so a retry after a commit whose reply was lost, or after another
   * worker took the claim over, changes nothing. Stopping gives up, as a crash would.
   */
  async function record(group: Finished[]): Promise<void> {
    const giveUpAt = Date.now() + recordRetryForMs;
    for (let attempt = 1; ; attempt++) {
      try {
        const applied = await delivery.complete(group);
        const late = group.filter((f) => !applied.has(f.job.id)).map((f) => f.job.id);
        if (late.length === 0) return;
        // After a failed attempt, a result not applied may have been by that attempt's commit.
        if (attempt > 1) {
          log.info({ count: late.length, messageIds: late }, "results not recorded by the retry");
          return;
        }
        options.metrics?.lateResults(late.length);
        log.warn(
          { count: late.length, messageIds: late },
          "late delivery results ignored: the claim ran out and was taken over by another worker",
        );
        return;
      } catch (error) {
        if (stopping || Date.now() + recordRetryMs > giveUpAt) throw error;
        log.info(
          { attempt, error: error instanceof Error ? error.message : String(error) },
          "recording delivery results failed: retrying",
        );
        await new Promise((resolve) => setTimeout(resolve, recordRetryMs));
      }
    }
  }

  async function run(): Promise<void> {
    while (running) {
      let handled = 0;
      try {
        handled = await runOnce();
      } catch (error) {
        // Database away: the claims come back when their lease runs out; try again later.
        log.info(
          { error: error instanceof Error ? error.message : String(error) },
          "delivery round failed",
        );
      }
      if (handled === 0 && running) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, idleMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
    }
  }

  return {
    runOnce,
    start() {
      if (running) return;
      running = true;
      stopping = false;
      health?.start();
      loop = run();
    },
    async stop() {
      running = false;
      stopping = true;
      wake?.();
      await loop;
      await health?.stop();
    },
  };
}
