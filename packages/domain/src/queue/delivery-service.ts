import type { Clock } from "../clock.ts";
import type { Logger } from "../shared/logger.ts";
import { utcDay } from "../shared/time.ts";
import { isSuppressibleFailure } from "../suppression/suppressible-failure.ts";
import type {
  ClaimedRow,
  DeliveryRepository,
  EventRow,
  MessageUpdate,
} from "./delivery-repository.ts";
import type { SpamVerdict } from "./spam-verdict.ts";

export interface DeliveryJob {
  id: string;
  /** Null for system mail (reports, alerts): it is not the site's mail and counts nowhere. */
  hostingId: string | null;
  /** "_system" for system mail. */
  serviceName: string;
  envelopeFrom: string;
  /** Recipients still to deliver: never one that was delivered before. */
  recipients: string[];
  raw: Buffer;
  /** How many recipients earlier attempts delivered. */
  deliveredBefore: number;
  attempts: number;
  acceptedAt: Date;
  lease: Date;
  /**
   * True when the spam scanner has not judged it yet: the site's mail (never system mail) whose
   * `scannedAt` is null. Mail released by hand after being flagged keeps its verdict and is not
   * scanned again.
   */
  needsScan: boolean;
  /**
   * Flagged as spam and not released by hand: never relayed. Held again with its verdict if
   * something queued it (a release of the hosting's held mail after an unblock).
   */
  flaggedSpam: boolean;
}

/**
 * What a worker did with a claimed message: relayed it (with the scanner's verdict when it was
 * scanned), or kept it back because the scanner would reject it (`spam`: the new verdict, or
 * null for mail flagged before, which keeps its own).
 */
export type DeliveryResult =
  | { job: DeliveryJob; recipients: RecipientResult[]; scan?: SpamVerdict }
  | { job: DeliveryJob; spam: SpamVerdict | null };

/** Whose fault a failure is; only `recipient` counts in the bounce ratio (see protection). */
export type FailureKind = "recipient" | "message" | "relay";

export interface RecipientResult {
  recipient: string;
  outcome: "delivered" | "deferred" | "failed";
  code: number | null;
  text: string;
  /** For a result not delivered: whose fault (a deferral's kind is kept if it runs out of time). */
  kind?: FailureKind;
}

export interface DeliveryOptions {
  /**
   * How long a claim holds before another worker may take it over, unless its worker renews it
   * (every third of it while the message is in hand).
   */
  leaseMs: number;
  /** Deferred mail is retried until this long after it was accepted, then fails. */
  maxLifetimeMs: number;
  /** Delivered content is removed this long after delivery. */
  retentionMs: number;
  /**
   * How long a recipient of the site's mail that failed for good with a 5.1.x reply stays on the
   * hosting's suppression list; 0 or unset: nobody is added.
   */
  suppressionMs?: number;
  /** Called after a batch with the hostings that had failures (automatic protection). */
  onFailures?(hostingIds: string[]): Promise<void>;
  /** Called after a batch with the hostings whose mail was held as spam (the spam rule). */
  onSpam?(hostingIds: string[]): Promise<void>;
  /** Where failures that change no result are reported. */
  log?: Logger;
}

/**
 * Hourly counters, per-minute health and per-minute outcomes are kept two days (the fleet view
 * reads 25 hours, the bounce gauge its window: an hour by default, see createMailPath).
 */
export const ROLLUP_RETENTION_MS = 48 * 3_600_000;
const BACKOFF_MS = [60_000, 5 * 60_000, 15 * 60_000, 30 * 60_000, 60 * 60_000, 2 * 3_600_000];

/** Delay before the next attempt after `attempts` attempts. */
export function backoffMs(attempts: number): number {
  return BACKOFF_MS[Math.min(Math.max(attempts, 1), BACKOFF_MS.length) - 1]!;
}

export interface DeliveryService {
  /** How long a claim holds without renewal; the worker renews every third of it. */
  readonly leaseMs: number;
  claim(limit: number): Promise<DeliveryJob[]>;
  /**
   * Extends the claims still held under `lease` by a whole lease from now, in one statement.
   * Returns the new lease and the ids it holds; the others were taken over (or finished).
   */
  renew(ids: string[], lease: Date): Promise<{ lease: Date; renewed: Set<string> }>;
  /**
   * Puts the claims whose lease ran out recently (within two leases: call it more often than
   * that) back in the queue at their place, as Postfix requeues a dead process's active queue.
   * Returns how many.
   */
  requeueLapsed(limit?: number): Promise<number>;
  /** Gives back claims that never reached the relay: due again at once. Returns how many. */
  release(ids: string[], lease: Date): Promise<number>;
  /**
   * Records the outcome of a batch in one transaction: recipients delivered are never sent
   * again, 5xx fail at once, 4xx are retried with backoff until the maximum lifetime; mail the
   * scanner would reject is held as spam (not due, its verdict kept). Each result holds only while
   * its job's claim (`job.lease`) does. Returns the ids recorded; the others' claims had run out
   * and been taken over (late results, ignored).
   */
  complete(results: DeliveryResult[]): Promise<Set<string>>;
  queueDepth(): ReturnType<DeliveryRepository["queueDepth"]>;
  /** When the oldest mail waiting for the relay was accepted (null: none waits). */
  oldestWaitingAt(): Promise<Date | null>;
  /** When the oldest due mail no worker has claimed yet became due (null: none). */
  oldestDueAt(): Promise<Date | null>;
  /** Expires held mail past its 72 hours; returns how many. */
  expireHeld(batchSize?: number): Promise<number>;
  /**
   * Removes delivered content older than the retention period, and purged mail purged longer ago
   * than it; drops hourly counters and health minutes older than two days. Returns how many
   * messages it changed.
   */
  dropOldContent(batchSize?: number): Promise<number>;
}

/** Claims due mail for the workers and records what the relay answered. */
export function createDeliveryService(deps: {
  repo: DeliveryRepository;
  clock: Clock;
  options: DeliveryOptions;
}): DeliveryService {
  const { repo, clock, options } = deps;

  function outcomeOf(job: DeliveryJob, results: RecipientResult[], now: Date) {
    const gaveUp = now.getTime() - job.acceptedAt.getTime() >= options.maxLifetimeMs;
    const events: EventRow[] = [];
    const delivered: string[] = [];
    const failed: string[] = [];
    let deferred = 0;
    for (const r of results) {
      let outcome = r.outcome;
      let text = r.text;
      if (outcome === "deferred" && gaveUp) {
        outcome = "failed";
        text = `Gave up after ${job.attempts} attempts: ${r.text}`;
      }
      // the relay said the address is bad: the site's mail to it is refused for a while (a 5.1.x
      // about the sender, at MAIL FROM, is the message's fault and adds nobody)
      const suppress =
        r.outcome === "failed" &&
        job.hostingId !== null &&
        (r.kind ?? "recipient") === "recipient" &&
        (options.suppressionMs ?? 0) > 0 &&
        isSuppressibleFailure(r.code, r.text);
      if (outcome === "delivered") delivered.push(r.recipient);
      else if (outcome === "failed") failed.push(r.recipient);
      else deferred++;
      events.push({
        messageId: job.id,
        recipient: r.recipient,
        outcome,
        smtpCode: r.code,
        text: text.slice(0, 1000),
        failureKind: outcome === "failed" ? (r.kind ?? null) : null,
        suppressUntil: suppress ? new Date(now.getTime() + (options.suppressionMs ?? 0)) : null,
      });
    }
    const finished = deferred === 0;
    const update: MessageUpdate = {
      id: job.id,
      lease: job.lease,
      delivered,
      failed,
      status: finished
        ? job.deliveredBefore + delivered.length > 0
          ? "sent"
          : "failed"
        : "queued",
      nextAttemptAt: finished ? null : new Date(now.getTime() + backoffMs(job.attempts)),
      sentAt: finished ? now : null,
      scan: null,
    };
    return { update, events };
  }

  function updateOf(
    result: DeliveryResult,
    now: Date,
  ): { update: MessageUpdate; events: EventRow[] } {
    const { job } = result;
    if ("spam" in result) {
      // Not relayed: held, not due, until support releases or someone purges it.
      const update: MessageUpdate = {
        id: job.id,
        lease: job.lease,
        delivered: [],
        failed: [],
        status: "held",
        nextAttemptAt: null,
        sentAt: null,
        scan: result.spam ? { at: now, verdict: result.spam } : null,
      };
      return { update, events: [] };
    }
    const outcome = outcomeOf(job, result.recipients, now);
    if (result.scan) outcome.update.scan = { at: now, verdict: result.scan };
    return outcome;
  }

  return {
    leaseMs: options.leaseMs,

    async claim(limit) {
      const now = clock.now();
      const rows = await repo.claim(now, new Date(now.getTime() + options.leaseMs), limit);
      return rows.map((r) => toJob(r));
    },

    async renew(ids, lease) {
      const next = new Date(clock.now().getTime() + options.leaseMs);
      // A clock that has not moved (tests) would make the new lease the old one: nothing to do.
      if (next.getTime() <= lease.getTime()) return { lease, renewed: new Set(ids) };
      return { lease: next, renewed: await repo.renew(ids, lease, next) };
    },

    requeueLapsed(limit = 1000) {
      const now = clock.now();
      return repo.requeueLapsed(new Date(now.getTime() - 2 * options.leaseMs), now, limit);
    },

    release(ids, lease) {
      return repo.release(ids, lease, clock.now());
    },

    async complete(results) {
      const now = clock.now();
      const outcomes = results.map((result) => ({
        job: result.job,
        ...updateOf(result, now),
      }));
      const applied = await repo.record(
        outcomes.map((o) => o.update),
        outcomes.flatMap((o) => o.events),
        now,
        utcDay(now),
      );
      // system mail (no hosting) is not the site's: no automatic protection
      const failedHostings = new Set(
        outcomes
          .filter((o) => o.job.hostingId !== null && applied.has(o.job.id))
          .filter((o) => o.events.some((e) => e.outcome === "failed"))
          .map((o) => o.job.hostingId as string),
      );
      if (failedHostings.size > 0) {
        // The results are committed: a failed bounce check must not make the worker record them
        // again (it would find them finished and take them for late ones).
        await options.onFailures?.([...failedHostings]).catch((error: unknown) => {
          options.log?.warn({ err: error }, "automatic protection check after delivery failed");
        });
      }
      // system mail is never scanned, so held spam always has a hosting; spam flagged before and
      // held again was counted when it was flagged
      const spamHostings = new Set(
        outcomes
          .filter((o) => o.update.status === "held" && o.update.scan && applied.has(o.job.id))
          .map((o) => o.job.hostingId as string),
      );
      if (spamHostings.size > 0) {
        await options.onSpam?.([...spamHostings]).catch((error: unknown) => {
          options.log?.warn({ err: error }, "spam rule check after delivery failed");
        });
      }
      return applied;
    },

    queueDepth() {
      return repo.queueDepth();
    },

    oldestWaitingAt() {
      return repo.oldestWaitingAt();
    },

    oldestDueAt() {
      return repo.oldestDueAt(clock.now());
    },

    async expireHeld(batchSize = 5000) {
      const now = clock.now();
      const day = utcDay(now);
      let total = 0;
      for (;;) {
        const groups = await repo.expireHeld(now, batchSize);
        let n = 0;
        for (const g of groups) {
          if (g.hostingId) await repo.addVolume(g.hostingId, day, "expired", g.n);
          n += g.n;
        }
        total += n;
        if (n < batchSize) return total;
      }
    },

    async dropOldContent(batchSize = 5000) {
      const before = new Date(clock.now().getTime() - options.retentionMs);
      const after = new Date(before.getTime() - 7 * 86_400_000);
      let total = 0;
      for (;;) {
        const n = await repo.dropContent(after, before, batchSize);
        total += n;
        if (n < batchSize) break;
      }
      // purged mail stays listable for the retention period, then goes
      for (;;) {
        const n = await repo.deletePurged(before, batchSize);
        total += n;
        if (n < batchSize) break;
      }
      await repo.deleteOldRollups(new Date(clock.now().getTime() - ROLLUP_RETENTION_MS));
      return total;
    },
  };
}

function toJob(r: ClaimedRow): DeliveryJob {
  const done = new Set([...r.delivered, ...r.failed]);
  return {
    id: r.id,
    hostingId: r.hostingId,
    serviceName: r.serviceName,
    envelopeFrom: r.envelopeFrom,
    recipients: r.recipients.filter((x) => !done.has(x)),
    raw: Buffer.isBuffer(r.raw) ? r.raw : Buffer.from(r.raw ?? new Uint8Array()),
    deliveredBefore: r.delivered.length,
    attempts: r.attempts,
    acceptedAt: r.acceptedAt,
    lease: r.lease,
    needsScan: r.hostingId !== null && r.scannedAt === null,
    flaggedSpam: r.spam && !r.released,
  };
}
