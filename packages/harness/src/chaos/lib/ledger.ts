import { subjectOf } from "../../relay-ledger.ts";
import type { TestRelay } from "../../test-relay.ts";
import { type ScenarioContext, sleep } from "./harness.ts";
import type { ClientTally } from "./submit.ts";
import type { World } from "./world.ts";

/** Copies per subject of what the relay received, read incrementally (10,000s of messages). */
export class RelayCounter {
  readonly copies = new Map<string, number>();
  private seen = 0;
  constructor(private readonly relay: TestRelay) {}

  update(): Map<string, number> {
    const received = this.relay.received;
    for (; this.seen < received.length; this.seen++) {
      const subject = subjectOf(received[this.seen]!.raw) ?? "(no subject)";
      this.copies.set(subject, (this.copies.get(subject) ?? 0) + 1);
    }
    return this.copies;
  }

  received(): number {
    return this.relay.received.length;
  }
}

export interface DeliveryWait {
  /** Whether everything expected arrived (and, when asked, the queue emptied) in time. */
  complete: boolean;
  waitedMs: number;
}

/**
 * Waits until the relay has every expected message (and, with `untilFinished`, nothing of the
 * world is queued or being sent any more), printing progress. Never throws on a timeout: what did
 * not arrive is counted as lost by the caller.
 */
export async function waitForDelivery(
  ctx: ScenarioContext,
  world: World,
  counter: RelayCounter,
  expected: Iterable<string>,
  options: { timeoutMs: number; untilFinished?: boolean },
): Promise<DeliveryWait> {
  const want = [...expected];
  const started = Date.now();
  let lastReport = 0;
  for (;;) {
    const copies = counter.update();
    const arrived = want.filter((s) => copies.has(s)).length;
    const done =
      arrived === want.length && (!options.untilFinished || (await world.unfinished()) === 0);
    if (done) return { complete: true, waitedMs: Date.now() - started };
    if (Date.now() - lastReport > 3_000) {
      lastReport = Date.now();
      ctx.progress(`delivered ${arrived}/${want.length}, relay received ${counter.received()}`);
    }
    if (Date.now() - started > options.timeoutMs || ctx.signal.aborted) {
      ctx.progress(`gave up waiting for delivery after ${(Date.now() - started) / 1000} s`);
      return { complete: false, waitedMs: Date.now() - started };
    }
    await sleep(250, ctx.signal);
  }
}

/** What the relay must get: every message answered 250, and every message stored at all. */
export function expectedOf(tally: ClientTally, storedSubjects: string[]): Set<string> {
  return new Set([...tally.accepted, ...storedSubjects]);
}

export interface Reconciliation {
  /** Accepted, plus whatever else was stored (unknowns): what the relay must get. */
  expected: Set<string>;
  /** Acknowledged but never stored. */
  notStored: string[];
  /** Acknowledged (or stored) and never received by the relay. */
  missing: string[];
  lost: number;
  delivered: number;
  /** Messages received more than once, and the extra copies. */
  duplicated: string[];
  extraCopies: number;
  maxCopies: number;
  /** Rows stored more than once for one message. */
  storedTwice: string[];
  unknownStored: number;
  unknownNotStored: number;
  /** Stored although the client was answered 4xx/5xx (it sends them again: a double). */
  storedRefused: string[];
  /** Received by the relay though never expected (a refused message that went out anyway). */
  unexpected: string[];
}

/** Sets what the clients were told against what the database holds and the relay received. */
export function reconcile(
  tally: ClientTally,
  storedSubjects: string[],
  copies: Map<string, number>,
  permanentlyFailed: Set<string> = new Set(),
): Reconciliation {
  const stored = new Map<string, number>();
  for (const s of storedSubjects) stored.set(s, (stored.get(s) ?? 0) + 1);
  const unknownStored = [...tally.unknown].filter((s) => stored.has(s));
  const expected = expectedOf(tally, storedSubjects);
  const notStored = [...tally.accepted].filter((s) => !stored.has(s));
  const missing = [...expected].filter((s) => !copies.has(s) && !permanentlyFailed.has(s));
  const duplicated = [...copies].filter(([s, n]) => n > 1 && expected.has(s));
  return {
    expected,
    notStored,
    missing,
    lost: new Set([...notStored, ...missing.filter((s) => tally.accepted.has(s))]).size,
    delivered: [...expected].filter((s) => copies.has(s)).length,
    duplicated: duplicated.map(([s]) => s),
    extraCopies: duplicated.reduce((sum, [, n]) => sum + n - 1, 0),
    maxCopies: Math.max(0, ...[...copies.values()]),
    storedTwice: [...stored].filter(([, n]) => n > 1).map(([s]) => s),
    unknownStored: unknownStored.length,
    unknownNotStored: tally.unknown.size - unknownStored.length,
    storedRefused: [...stored.keys()].filter(
      (s) => !tally.accepted.has(s) && !tally.unknown.has(s),
    ),
    unexpected: [...copies.keys()].filter((s) => !expected.has(s)),
  };
}

/** `first, second, … (+n more)` for failure messages. */
export function sample(items: Iterable<string>, n = 3): string {
  const list = [...items];
  const head = list.slice(0, n).join(", ");
  return list.length > n ? `${head} (+${list.length - n} more)` : head;
}

export const fmt = (n: number) => n.toLocaleString("en-US");

/**
 * What a kill scenario must not see after the restart: the product dead again, acknowledged mail
 * not stored or never relayed, or a queue that does not drain.
 */
export function lossFailures(
  product: { alive(): boolean; tail(): string },
  r: Pick<Reconciliation, "notStored" | "missing">,
  wait: DeliveryWait,
): string[] {
  const failures: string[] = [];
  if (!product.alive()) failures.push(`the restarted product died:\n${product.tail()}`);
  if (r.notStored.length > 0) {
    failures.push(`${r.notStored.length} acknowledged but not stored: ${sample(r.notStored)}`);
  }
  if (r.missing.length > 0) {
    failures.push(`${r.missing.length} never reached the relay: ${sample(r.missing)}`);
  }
  if (!wait.complete) failures.push(`queue not empty after ${wait.waitedMs / 1000} s`);
  return failures;
}

/** The figures of a scenario's row: what the clients were told, what the relay got. */
export function rowFigures(
  tally: Pick<ClientTally, "submitted" | "accepted" | "refused4xx">,
  r: Pick<Reconciliation, "delivered" | "lost" | "duplicated">,
) {
  return {
    submitted: tally.submitted,
    acknowledged: tally.accepted.size,
    refused4xx: tally.refused4xx,
    delivered: r.delivered,
    lost: r.lost,
    duplicates: r.duplicated.length,
  };
}

/**
 * The delivery worker's own bound (apps/mta/src/delivery/worker.ts defaults): at most this many
 * messages at the relay at once, and at most three times that handed to the relay and not
 * recorded yet (the rest of a round is recorded as each message finishes, or never started).
 */
export const WORKER_CONCURRENCY = 10;
export const WORKER_MAX_UNRECORDED = 3 * WORKER_CONCURRENCY;

/**
 * The copies a kill may cause: only messages the dead process had claimed go twice, no more of
 * them than it can have had at the relay or answered and unrecorded (not its whole round), none
 * more than twice, and the relay gets nothing it was not sent.
 */
export function copyFailures(
  r: Pick<Reconciliation, "duplicated" | "maxCopies" | "unexpected">,
  inFlight: Set<string>,
): string[] {
  const failures: string[] = [];
  const outside = r.duplicated.filter((s) => !inFlight.has(s));
  if (outside.length > 0) {
    failures.push(
      `${outside.length} duplicate(s) outside the claims in flight: ${sample(outside)}`,
    );
  }
  if (r.duplicated.length > WORKER_MAX_UNRECORDED) {
    failures.push(
      `${r.duplicated.length} duplicates: more than the worker can have at the relay or ` +
        `answered and unrecorded (${WORKER_MAX_UNRECORDED}, concurrency ${WORKER_CONCURRENCY})`,
    );
  }
  if (r.maxCopies > 2) failures.push(`a message was relayed ${r.maxCopies} times`);
  if (r.unexpected.length > 0) {
    failures.push(`relay got ${r.unexpected.length} unexpected: ${sample(r.unexpected)}`);
  }
  return failures;
}
