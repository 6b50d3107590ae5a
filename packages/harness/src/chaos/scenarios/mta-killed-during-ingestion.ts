import type { Scenario, ScenarioResult } from "../lib/harness.ts";
import {
  copyFailures,
  expectedOf,
  fmt,
  lossFailures,
  RelayCounter,
  reconcile,
  rowFigures,
  sample,
  waitForDelivery,
} from "../lib/ledger.ts";
import type { ProductProcess } from "../lib/product-process.ts";
import { describeAnswers, submitWithRetries } from "../lib/submit.ts";
import { createWorld, startRelay } from "../lib/world.ts";

export interface IngestionKillOptions {
  messages: number;
  clients: number;
  /** SIGKILL once this many messages were answered 250. */
  killAfter: number;
  bodyBytes: number;
  timeoutMs: number;
}

export const INGESTION_KILL_DEFAULTS: IngestionKillOptions = {
  messages: 10_000,
  clients: 20,
  killAfter: 4_000,
  bodyBytes: 1_024,
  timeoutMs: 150_000,
};

/**
 * The product (SMTP, worker and scheduler in one process) is SIGKILLed while ~20 sessions are
 * submitting, and started again on the same ports while they keep going. Clients send again what
 * was refused or cut off before its data; what was cut off after its data is "unknown" to them.
 * Every 250 must reach the relay; an unknown message is stored once or not at all.
 */
export function mtaKilledDuringIngestion(overrides: Partial<IngestionKillOptions> = {}): Scenario {
  const o = { ...INGESTION_KILL_DEFAULTS, ...overrides };
  return {
    name: "mta-killed-during-ingestion",
    timeoutMs: o.timeoutMs,
    async run(ctx): Promise<ScenarioResult> {
      const world = await createWorld(ctx, "ingest-kill.example");
      const relay = await startRelay(ctx);
      const counter = new RelayCounter(relay);
      let product: ProductProcess = await world.start(relay.url);
      ctx.progress(`product running (pid ${product.pid}), SMTP on ${world.smtpPort}`);

      const run = `ikill-${Date.now().toString(36)}`;
      const subjects = Array.from({ length: o.messages }, (_, i) => `${run} ${i}`);
      let killedAt = 0;
      let restartMs = 0;
      let ackAtKill = 0;
      let inFlightClaims: string[] = [];
      let killed: Promise<void> | undefined;
      let lastReport = Date.now();
      const kill = async () => {
        const victim = product;
        killedAt = Date.now();
        const signal = await victim.kill("SIGKILL");
        ctx.progress(
          `SIGKILL → pid ${victim.pid} ended (${signal}) after ${fmt(ackAtKill)} acknowledged; restarting`,
        );
        // No product process is alive now: its claims are dead ones.
        inFlightClaims = await world.expireDeadLeases();
        product = await world.start(relay.url);
        restartMs = Date.now() - killedAt;
        ctx.progress(
          `restarted as pid ${product.pid} in ${(restartMs / 1000).toFixed(1)} s; ` +
            `${inFlightClaims.length} delivery claim(s) of the dead process given back`,
        );
      };

      const tally = await submitWithRetries({
        port: world.smtpPort,
        user: world.hosting.serviceName,
        password: world.hosting.password,
        subjects,
        clients: o.clients,
        bodyBytes: o.bodyBytes,
        signal: ctx.signal,
        onSubmission: (_s, t) => {
          if (!killed && t.accepted.size >= o.killAfter) {
            ackAtKill = t.accepted.size;
            killed = kill();
          }
          if (Date.now() - lastReport > 2_000) {
            lastReport = Date.now();
            ctx.progress(
              `SMTP: ${fmt(t.accepted.size)}/${fmt(o.messages)} acknowledged, ` +
                `${t.refused4xx} 4xx, ${t.droppedBeforeData} dropped, ${t.unknown.size} unknown`,
            );
          }
        },
      });
      if (!killed) throw new Error(`the load ended before ${o.killAfter} acknowledgements`);
      await killed;
      ctx.progress(
        `SMTP done: ${fmt(tally.accepted.size)} acknowledged, ${tally.unknown.size} unknown, ` +
          `answers: ${describeAnswers(tally)}`,
      );

      const stored = await world.storedSubjects();
      const expected = expectedOf(tally, stored);
      const wait = await waitForDelivery(ctx, world, counter, expected, {
        timeoutMs: 90_000,
        untilFinished: true,
      });
      const r = reconcile(tally, await world.storedSubjects(), counter.update());
      const inFlight = new Set(inFlightClaims);

      const failures = lossFailures(product, r, wait);
      failures.push(...(await world.keptCountFailures()));
      if (tally.rejected.length > 0) {
        failures.push(`${tally.rejected.length} answered 5xx: ${describeAnswers(tally)}`);
      }
      if (tally.pending.length > 0) failures.push(`${tally.pending.length} never got through`);
      if (r.storedTwice.length > 0) {
        failures.push(`${r.storedTwice.length} stored twice: ${sample(r.storedTwice)}`);
      }
      failures.push(...copyFailures(r, inFlight));
      return {
        done:
          `SIGKILL at ${fmt(ackAtKill)} acks, back in ${(restartMs / 1000).toFixed(1)} s; ` +
          `${tally.unknown.size} unknown (${r.unknownStored} stored once, ${r.unknownNotStored} not); ` +
          `${tally.droppedBeforeData} cut off before data, resent; ` +
          `${inFlightClaims.length} claims in flight`,
        ...rowFigures(tally, r),
        failures,
      };
    },
  };
}
