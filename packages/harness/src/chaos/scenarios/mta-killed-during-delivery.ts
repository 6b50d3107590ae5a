import { rawMessage } from "../../smtp-client.ts";
import { paddedBody } from "../../smtp-load.ts";
import { type Scenario, type ScenarioResult, until } from "../lib/harness.ts";
import {
  copyFailures,
  expectedOf,
  fmt,
  lossFailures,
  RelayCounter,
  reconcile,
  rowFigures,
  WORKER_CONCURRENCY,
  WORKER_MAX_UNRECORDED,
  waitForDelivery,
} from "../lib/ledger.ts";
import type { ProductProcess } from "../lib/product-process.ts";
import type { ClientTally } from "../lib/submit.ts";
import { createWorld, startRelay, type World } from "../lib/world.ts";

export interface DeliveryKillOptions {
  messages: number;
  /** Relay delay per message while the queue fills (delivery crawls but is under way). */
  fillDelayMs: number;
  /** Relay delay per message afterwards (still slowed, so the kill lands inside a batch). */
  deliveryDelayMs: number;
  /** SIGKILL once the relay holds this share of the queue. */
  killAtShare: number;
  timeoutMs: number;
}

export const DELIVERY_KILL_DEFAULTS: DeliveryKillOptions = {
  messages: 10_000,
  fillDelayMs: 100,
  deliveryDelayMs: 5,
  killAtShare: 0.3,
  timeoutMs: 150_000,
};

/** The product's worker settings (apps/mta/src/delivery/worker.ts defaults; not configurable). */
const WORKER_BATCH = 100;
/** The product's default DELIVERY_LEASE_SECONDS: the dead process's claims are free after it. */
const LEASE_MS = 30_000;
/** Beyond the lease: the restart, the next claim and the relay. */
const TAKEOVER_SLACK_MS = 15_000;

/**
 * Queues the messages as the SMTP role does once a message is in (the same ingest service,
 * committed before it returns), a few hundred at a time so that they share commits: SMTP itself
 * is what mta-killed-during-ingestion exercises, and 10,000 SMTP sessions would double this one.
 */
async function queueThroughIngest(
  world: World,
  subjects: string[],
  signal: AbortSignal,
): Promise<ClientTally> {
  const tally: ClientTally = {
    submitted: subjects.length,
    accepted: new Set(),
    unknown: new Set(),
    rejected: [],
    refused4xx: 0,
    droppedBeforeData: 0,
    pending: [],
    attempts: [],
    answers: new Map(),
  };
  const body = paddedBody(1_024);
  for (let i = 0; i < subjects.length && !signal.aborted; i += 500) {
    await Promise.all(
      subjects.slice(i, i + 500).map(async (subject, k) => {
        const to = `to${i + k}@dest.test`;
        const raw = rawMessage({ From: "site@load.test", To: to, Subject: subject }, body);
        await world.services.mail.ingest.accept({
          hostingId: world.hosting.id,
          envelopeFrom: "site@load.test",
          recipients: [to],
          raw: Buffer.from(raw),
          source: "smtp",
        });
        tally.accepted.add(subject);
      }),
    );
  }
  return tally;
}

/**
 * 10,000 messages are queued while a slow relay keeps delivery crawling; then the
 * relay speeds up a little and the product is SIGKILLed in the middle of delivering. Once it is
 * back, every message must reach the relay; only what the dead process had at the relay (or
 * answered and not yet recorded) may go twice, and its claims go out again once their lease runs
 * out (nobody renews them): within the product's 30 s default, not minutes.
 */
export function mtaKilledDuringDelivery(overrides: Partial<DeliveryKillOptions> = {}): Scenario {
  const o = { ...DELIVERY_KILL_DEFAULTS, ...overrides };
  return {
    name: "mta-killed-during-delivery",
    timeoutMs: o.timeoutMs,
    async run(ctx): Promise<ScenarioResult> {
      const world = await createWorld(ctx, "delivery-kill.example");
      const relay = await startRelay(ctx, 0, o.fillDelayMs);
      const counter = new RelayCounter(relay);
      let product: ProductProcess = await world.start(relay.url);
      ctx.progress(`product running (pid ${product.pid}); relay delay ${o.fillDelayMs} ms`);

      const run = `dkill-${Date.now().toString(36)}`;
      const subjects = Array.from({ length: o.messages }, (_, i) => `${run} ${i}`);
      const tally = await queueThroughIngest(world, subjects, ctx.signal);
      ctx.progress(
        `queued ${fmt(tally.accepted.size)} through the ingest service; ` +
          `relay has ${fmt(counter.received())}; relay delay now ${o.deliveryDelayMs} ms`,
      );
      relay.delayMs = o.deliveryDelayMs;
      // Rounds are WORKER_BATCH messages long, so a count that is a multiple of it is where one
      // round ends; once the relay answers at once (the fast relay client records a round within
      // milliseconds of its last message) the kill would land between rounds. Half a round
      // further, it lands in the middle of one.
      const killAt = Math.max(
        Math.round(o.messages * o.killAtShare) + WORKER_BATCH / 2,
        counter.received() + 1,
      );
      await until("delivery under way before the kill", () => counter.received() >= killAt, {
        timeoutMs: 60_000,
        everyMs: 5,
        signal: ctx.signal,
      });
      const relayedAtKill = counter.received();
      const roundsBeforeKill = product.rounds();
      const signal = await product.kill("SIGKILL");
      const killedAt = Date.now();
      const statusAtKill = await world.statuses();
      // Nothing of the product is alive: every claim left is the dead process's round in flight
      // (at the relay, answered and not recorded, or not started). Left to their lease.
      const inFlight = new Set(await world.claimedBefore(new Date(Date.now() + 1_000)));
      ctx.progress(
        `SIGKILL (${signal}) after ${fmt(relayedAtKill)} relayed, ${roundsBeforeKill} rounds ` +
          `recorded; ${inFlight.size} claims in flight; status ${JSON.stringify(statusAtKill)}`,
      );
      relay.delayMs = 0; // the rest may go fast
      product = await world.start(relay.url);
      const restartMs = Date.now() - killedAt;
      ctx.progress(`restarted as pid ${product.pid} in ${(restartMs / 1000).toFixed(1)} s`);
      let takeoverMs = Number.POSITIVE_INFINITY;
      try {
        await until(
          "the dead process's claims delivered",
          async () => (await world.rowsOf([...inFlight])).every((m) => m.status === "sent"),
          { timeoutMs: LEASE_MS + TAKEOVER_SLACK_MS, everyMs: 250, signal: ctx.signal },
        );
        takeoverMs = Date.now() - killedAt;
        ctx.progress(
          `the dead process's claims went out ${(takeoverMs / 1000).toFixed(1)} s after the kill`,
        );
      } catch {
        ctx.progress("the dead process's claims were not delivered in time");
      }

      const stored = await world.storedSubjects();
      const expected = expectedOf(tally, stored);
      const wait = await waitForDelivery(ctx, world, counter, expected, {
        timeoutMs: 90_000,
        untilFinished: true,
      });
      const r = reconcile(tally, await world.storedSubjects(), counter.update());

      const failures = lossFailures(product, r, wait);
      failures.push(...(await world.keptCountFailures()));
      if (tally.accepted.size !== o.messages) {
        failures.push(`only ${tally.accepted.size}/${o.messages} queued`);
      }
      if (inFlight.size === 0) failures.push("the kill landed between rounds: proves nothing");
      if (inFlight.size > WORKER_BATCH) {
        failures.push(`${inFlight.size} claims in flight, more than one round (${WORKER_BATCH})`);
      }
      if (takeoverMs > LEASE_MS + TAKEOVER_SLACK_MS) {
        failures.push(
          `the dead process's claims were not delivered within ${(LEASE_MS + TAKEOVER_SLACK_MS) / 1000} s of the kill`,
        );
      }
      failures.push(...copyFailures(r, inFlight));
      return {
        done:
          `queued ${fmt(o.messages)} through the ingest service (relay ${o.fillDelayMs}→${o.deliveryDelayMs} ms/msg); ` +
          `SIGKILL after ${fmt(relayedAtKill)} relayed with ${inFlight.size} claims in flight ` +
          `(round ${WORKER_BATCH}, concurrency ${WORKER_CONCURRENCY}, at most ${WORKER_MAX_UNRECORDED} unrecorded); ` +
          `back in ${(restartMs / 1000).toFixed(1)} s; its claims out ${(takeoverMs / 1000).toFixed(1)} s after the kill; ` +
          `${r.extraCopies} extra copies${r.duplicated.every((s) => inFlight.has(s)) ? ", all of them claims in flight" : ""}`,
        ...rowFigures(tally, r),
        failures,
      };
    },
  };
}
