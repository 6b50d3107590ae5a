import type { DeliveryJob, DeliveryResult, DeliveryService, Logger } from "@scripts-email/domain";

/** A message the round is done with: relayed (scanned or not), or kept back as spam. */
export type Finished = DeliveryResult;

export interface RoundContext {
  delivery: Pick<DeliveryService, "leaseMs" | "renew" | "release">;
  /** Messages at the relay at once; also the size of a group of results written at once. */
  concurrency: number;
  /** How long the first result of a group waits for others before the group is written. */
  flushMs: number;
  /**
   * Messages handed to the relay whose results are not recorded yet, at most: what a crash can
   * send twice. `concurrency` would free a relay slot only once its result is written; more lets
   * the relay work while a group is being written.
   */
  maxUnrecorded: number;
  /** Scans the message when it needs it, then relays it, unless the scanner would reject it. */
  sendOne(job: DeliveryJob): Promise<Finished>;
  /** Writes a group of results (one statement, retried through a blip). */
  record(group: Finished[]): Promise<void>;
  stopping(): boolean;
  log: Logger;
}

/**
 * Relays one claimed round and records it as it goes, so that the worker never holds a claim it
 * cannot finish and a crash repeats only what was at the relay:
 * - results are written as messages finish, in small groups (one write in flight; whatever
 *   finishes meanwhile forms the next group, as the ingest's group commit does), not one
 *   statement per message;
 * - the claims still in hand are renewed every third of the lease by one statement, conditional
 *   on the current lease; a claim that was taken over is not started, and the result of one that
 *   was at the relay is late (the record ignores it, the worker logs it); if renewing fails, no
 *   new message is started;
 * - claims never started (stopping, or renewal failed) are given back at once.
 * Every database write of the round goes through one queue: a renewal running beside a write
 * would change the lease that the write is conditional on.
 */
export async function deliverRound(jobs: DeliveryJob[], ctx: RoundContext): Promise<void> {
  if (jobs.length === 0) return;
  let lease = jobs[0]!.lease;
  /** Claimed under `lease` and not recorded: what renewals extend. */
  const held = new Map(jobs.map((job) => [job.id, job]));
  let next = 0;
  let halted = false;
  let answered: Finished[] = [];
  let atRelay = 0;
  let unrecorded = 0;
  let failure: unknown;
  let flushQueued = false;
  let flushTimer: NodeJS.Timeout | undefined;
  const waiting: Array<() => void> = [];
  let writes: Promise<unknown> = Promise.resolve();

  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const done = writes.then(fn);
    writes = done.catch(() => undefined);
    return done;
  };

  async function flush(): Promise<void> {
    flushQueued = false;
    const group = answered;
    answered = [];
    if (group.length === 0) return;
    try {
      await ctx.record(group);
    } catch (error) {
      // Left claimed under this lease, no longer renewed: they come back when it runs out.
      failure ??= error;
      halted = true;
    } finally {
      for (const f of group) held.delete(f.job.id);
      unrecorded -= group.length;
      for (const wake of waiting.splice(0)) wake();
    }
  }

  function queueFlush() {
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = undefined;
    flushQueued = true;
    void serial(flush);
  }

  /**
   * A group is written once it has `concurrency` results or its first result has waited
   * `flushMs`; while a write is in flight the next group forms (the queued flush takes whatever
   * has finished by the time it runs). Fewer, fuller statements than one per answer.
   */
  function answeredOne() {
    if (flushQueued) return;
    if (answered.length >= ctx.concurrency) queueFlush();
    else flushTimer ??= setTimeout(queueFlush, ctx.flushMs);
  }

  async function renew(): Promise<void> {
    const ids = [...held.keys()];
    if (ids.length === 0) return;
    try {
      const renewed = await ctx.delivery.renew(ids, lease);
      lease = renewed.lease;
      const lost: string[] = [];
      for (const id of ids) {
        const job = held.get(id);
        if (!job) continue;
        if (renewed.renewed.has(id)) job.lease = lease;
        else {
          held.delete(id);
          lost.push(id);
        }
      }
      if (lost.length > 0) {
        ctx.log.warn(
          { count: lost.length, messageIds: lost.slice(0, 20) },
          "claims taken over before they were renewed: not starting them",
        );
      }
    } catch (error) {
      halted = true;
      ctx.log.warn(
        { count: ids.length, error: error instanceof Error ? error.message : String(error) },
        "renewing the round's claims failed: starting no more of them",
      );
    }
  }

  let renewing = false;
  const timer = setInterval(
    () => {
      if (renewing) return;
      renewing = true;
      void serial(renew).finally(() => {
        renewing = false;
      });
    },
    Math.max(ctx.delivery.leaseMs / 3, 10),
  );
  timer.unref?.();

  async function slot(): Promise<void> {
    for (;;) {
      while (atRelay + unrecorded >= ctx.maxUnrecorded && !halted) {
        await new Promise<void>((resolve) => waiting.push(resolve));
      }
      if (halted || ctx.stopping()) return;
      let job: DeliveryJob | undefined;
      while (!job && next < jobs.length) {
        const candidate = jobs[next++]!;
        if (held.has(candidate.id)) job = candidate;
      }
      if (!job) return;
      atRelay++;
      let finished: Finished;
      try {
        finished = await ctx.sendOne(job);
      } finally {
        atRelay--;
      }
      answered.push(finished);
      unrecorded++;
      answeredOne();
    }
  }

  const slots = await Promise.allSettled(
    Array.from({ length: Math.min(ctx.concurrency, jobs.length) }, slot),
  );
  clearInterval(timer);
  for (const s of slots) if (s.status === "rejected") failure ??= s.reason;
  if (flushTimer) clearTimeout(flushTimer);
  await serial(flush);
  const unstarted = jobs.slice(next).filter((job) => held.has(job.id));
  if (unstarted.length > 0) {
    await serial(async () => {
      const ids = unstarted.map((job) => job.id);
      try {
        const n = await ctx.delivery.release(ids, lease);
        ctx.log.info({ count: n }, "claims given back unstarted");
      } catch (error) {
        ctx.log.warn(
          { count: ids.length, error: error instanceof Error ? error.message : String(error) },
          "giving back unstarted claims failed: they come back when their lease runs out",
        );
      }
      for (const id of ids) held.delete(id);
    });
  }
  await writes;
  if (failure !== undefined) throw failure;
}
