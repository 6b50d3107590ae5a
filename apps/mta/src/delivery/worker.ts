import type { DeliveryJob, DeliveryService, RecipientResult } from "@scripts-email/domain";
import type { MtaMetrics } from "../metrics.ts";
import type { Relay } from "./relay.ts";

export interface WorkerOptions {
  /** Messages claimed per round. */
  batchSize?: number;
  /** Messages relayed at once within a round. */
  concurrency?: number;
  /** Pause when nothing is due. */
  idleMs?: number;
  /** Pause between attempts to record a round's results while the database is away. */
  recordRetryMs?: number;
  /** How long to keep trying to record them (default 4 min, inside the default 5-min lease). */
  recordRetryForMs?: number;
  metrics?: MtaMetrics;
  log?: (entry: Record<string, unknown>) => void;
}

export interface DeliveryWorker {
  /** One round: claim, relay, record. Returns how many messages it handled. */
  runOnce(): Promise<number>;
  start(): void;
  /** Finishes the round in flight, then stops. */
  stop(): Promise<void>;
}

export function createDeliveryWorker(
  delivery: DeliveryService,
  relay: Relay,
  options: WorkerOptions = {},
): DeliveryWorker {
  const batchSize = options.batchSize ?? 100;
  const concurrency = options.concurrency ?? 10;
  const idleMs = options.idleMs ?? 500;
  const recordRetryMs = options.recordRetryMs ?? 1_000;
  const recordRetryForMs = options.recordRetryForMs ?? 240_000;
  const log = options.log ?? (() => {});
  let running = false;
  let stopping = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;

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
      }));
    }
    options.metrics?.observeDelivery(results, job.acceptedAt, (performance.now() - started) / 1000);
    for (const r of results) {
      if (r.outcome !== "delivered") {
        log({
          msg: "delivery not completed",
          messageId: job.id,
          recipient: r.recipient,
          outcome: r.outcome,
          code: r.code,
          text: r.text,
        });
      }
    }
    return results;
  }

  async function runOnce(): Promise<number> {
    const jobs = await delivery.claim(batchSize);
    if (jobs.length === 0) return 0;
    const results: Array<{ job: DeliveryJob; recipients: RecipientResult[] }> = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(concurrency, jobs.length) }, async () => {
        while (next < jobs.length) {
          const job = jobs[next++]!;
          results.push({ job, recipients: await relayOne(job) });
        }
      }),
    );
    await record(results);
    log({ msg: "delivery round", messages: jobs.length });
    return jobs.length;
  }

  /**
   * The round's mail has gone out: if its results were dropped on a database blip, the claims
   * would stay `sending` until their lease ran out and then go out a second time. So recording
   * is retried for a while. That is safe: it is one transaction, and each update is conditional
   * on this worker's lease, so a retry after a commit whose reply was lost, or after another
   * worker took the claim over, changes nothing. Stopping gives up, as a crash would.
   */
  async function record(results: Array<{ job: DeliveryJob; recipients: RecipientResult[] }>) {
    const giveUpAt = Date.now() + recordRetryForMs;
    for (let attempt = 1; ; attempt++) {
      try {
        await delivery.complete(results);
        return;
      } catch (error) {
        if (stopping || Date.now() + recordRetryMs > giveUpAt) throw error;
        log({
          msg: "recording delivery results failed: retrying",
          attempt,
          error: error instanceof Error ? error.message : String(error),
        });
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
        log({
          msg: "delivery round failed",
          error: error instanceof Error ? error.message : String(error),
        });
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
      loop = run();
    },
    async stop() {
      running = false;
      stopping = true;
      wake?.();
      await loop;
    },
  };
}
