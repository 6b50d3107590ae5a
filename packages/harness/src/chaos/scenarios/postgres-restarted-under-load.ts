import { type Scenario, type ScenarioResult, sleep } from "../lib/harness.ts";
import {
  expectedOf,
  fmt,
  RelayCounter,
  reconcile,
  rowFigures,
  sample,
  waitForDelivery,
} from "../lib/ledger.ts";
import { describeAnswers, submitWithRetries } from "../lib/submit.ts";
import { createWorld, startRelay } from "../lib/world.ts";

export interface PostgresRestartOptions {
  messages: number;
  clients: number;
  /** Pause of each session after an accepted message, so the load outlasts the outage. */
  pauseMs: number;
  /** Stop PostgreSQL once this many messages were acknowledged. */
  stopAfter: number;
  outageMs: number;
  timeoutMs: number;
}

export const POSTGRES_RESTART_DEFAULTS: PostgresRestartOptions = {
  messages: 3_000,
  clients: 10,
  pauseMs: 10,
  stopAfter: 1_000,
  outageMs: 3_000,
  timeoutMs: 90_000,
};

/**
 * The private PostgreSQL is crashed (`stop immediate`) under SMTP load and started again ~3 s
 * later. The product is not restarted: SMTP must answer 4xx while the database is away (never
 * 5xx, never a 250 that is lost), and ingest and delivery must resume by themselves.
 */
export function postgresRestartedUnderLoad(
  overrides: Partial<PostgresRestartOptions> = {},
): Scenario {
  const o = { ...POSTGRES_RESTART_DEFAULTS, ...overrides };
  return {
    name: "postgres-restarted-under-load",
    timeoutMs: o.timeoutMs,
    async run(ctx): Promise<ScenarioResult> {
      const pg = ctx.postgres;
      const world = await createWorld(ctx, "pg-restart.example");
      const relay = await startRelay(ctx);
      const counter = new RelayCounter(relay);
      const product = await world.start(relay.url);
      ctx.progress(`product running (pid ${product.pid})`);

      const run = `pgrestart-${Date.now().toString(36)}`;
      const subjects = Array.from({ length: o.messages }, (_, i) => `${run} ${i}`);
      let downAt = 0;
      let upAt = 0;
      let outage: Promise<void> | undefined;
      const startedAt = Date.now();
      const restart = async () => {
        downAt = Date.now();
        await pg.stop("immediate");
        ctx.progress(`PostgreSQL stopped (immediate) after ${fmt(o.stopAfter)} acknowledged`);
        await sleep(o.outageMs);
        await pg.start();
        upAt = Date.now();
        ctx.progress(`PostgreSQL back after ${((upAt - downAt) / 1000).toFixed(1)} s`);
      };
      let lastReport = Date.now();
      const tally = await submitWithRetries({
        port: world.smtpPort,
        user: world.hosting.serviceName,
        password: world.hosting.password,
        subjects,
        clients: o.clients,
        pauseMs: o.pauseMs,
        bodyBytes: 1_024,
        signal: ctx.signal,
        onSubmission: (_s, t) => {
          if (!outage && t.accepted.size >= o.stopAfter) outage = restart();
          if (Date.now() - lastReport > 2_000) {
            lastReport = Date.now();
            ctx.progress(
              `SMTP: ${fmt(t.accepted.size)}/${fmt(o.messages)} acknowledged, ` +
                `answers ${describeAnswers(t)}`,
            );
          }
        },
      });
      if (!outage) throw new Error(`the load ended before ${o.stopAfter} acknowledgements`);
      await outage;
      const during = tally.attempts.filter((s) => {
        const at = startedAt + s.at;
        return at >= downAt && at <= upAt;
      });
      const refusedDuring = during.filter((s) => s.outcome.kind !== "accepted").length;
      const acceptedAfter = tally.attempts.filter(
        (s) => s.outcome.kind === "accepted" && startedAt + s.at > upAt,
      );
      ctx.progress(
        `SMTP done: ${fmt(tally.accepted.size)} acknowledged, ${tally.unknown.size} unknown; ` +
          `${during.length} answered during the outage (${refusedDuring} refused); ` +
          `answers ${describeAnswers(tally)}`,
      );

      const stored = await world.storedSubjects();
      const expected = expectedOf(tally, stored);
      // A batch whose results could not be recorded while the database was away stays claimed
      // until its lease (DELIVERY_LEASE_SECONDS) runs out: it reached the relay, so do not wait for its row.
      const wait = await waitForDelivery(ctx, world, counter, expected, { timeoutMs: 60_000 });
      const r = reconcile(tally, await world.storedSubjects(), counter.update());
      const statuses = await world.statuses();
      const roundsAfter = product.rounds();
      // Claimed before the crash and still claimed: their results were never recorded.
      const stuck = await world.claimedBefore(new Date(upAt));
      const stuckRelayed = stuck.filter((s) => counter.copies.has(s)).length;
      // A message answered 4xx at the crash may have been committed all the same (the commit
      // reached the disk, its reply did not reach the product): the client sends it again.
      const ambiguous = new Set(
        tally.attempts
          .filter((s) => s.outcome.kind === "refused" && s.outcome.stage === "end")
          .map((s) => s.subject),
      );
      const twiceOutside = r.storedTwice.filter((s) => !ambiguous.has(s));
      const twiceRows = await world.rowsOf(r.storedTwice.slice(0, 3));
      const t = (d: Date) => `${((d.getTime() - downAt) / 1000).toFixed(3)} s`;
      if (r.storedTwice.length > 0) {
        ctx.progress(
          `stored twice (answered 451 at the crash, committed all the same): ` +
            twiceRows.map((x) => `${x.subject} accepted at ${t(x.acceptedAt)}`).join("; ") +
            " (relative to the stop)",
        );
      }

      const failures: string[] = [];
      failures.push(...(await world.keptCountFailures()));
      if (!product.alive()) {
        failures.push(`the product died (it must ride the outage out):\n${product.tail()}`);
      }
      if (tally.rejected.length > 0) {
        failures.push(`${tally.rejected.length} answered 5xx: ${describeAnswers(tally)}`);
      }
      if (r.notStored.length > 0) {
        failures.push(`${r.notStored.length} acknowledged but not stored: ${sample(r.notStored)}`);
      }
      if (r.missing.length > 0) {
        failures.push(
          `${r.missing.length} never reached the relay: ${sample(r.missing)}; statuses ${JSON.stringify(statuses)}`,
        );
      }
      if (!wait.complete && r.missing.length === 0) failures.push("delivery did not complete");
      if (tally.pending.length > 0) failures.push(`${tally.pending.length} never got through`);
      if (refusedDuring === 0) failures.push("no refusal during the outage: it proves nothing");
      if (acceptedAfter.length === 0) failures.push("nothing was acknowledged after the restart");
      if (twiceOutside.length > 0) {
        failures.push(
          `${twiceOutside.length} stored twice without an ambiguous 451: ${sample(twiceOutside)}`,
        );
      }
      if (r.maxCopies > 2) failures.push(`a message was relayed ${r.maxCopies} times`);
      if (stuckRelayed > 0) {
        failures.push(
          `${stuckRelayed} relayed before the crash but still claimed: their results were not ` +
            "recorded, they go out again when the lease ends",
        );
      }
      const outside = r.duplicated.filter((s) => !ambiguous.has(s));
      if (outside.length > 0) {
        failures.push(`${outside.length} relayed twice: ${sample(outside)}`);
      }
      return {
        done:
          `PostgreSQL stop -m immediate after ${fmt(o.stopAfter)} acks, down ` +
          `${((upAt - downAt) / 1000).toFixed(1)} s, no process restart; during it ` +
          `${refusedDuring}/${during.length} answers were refusals (${describeAnswers(tally)}); ` +
          `${tally.unknown.size} unknown (${r.unknownStored} stored once); ` +
          `${r.storedTwice.length} stored twice (451 answered, commit reached disk); ` +
          `${fmt(acceptedAfter.length)} acks after restart; ${roundsAfter} worker rounds, ` +
          `${product.recordRetries()} retries to record a round; ` +
          (stuck.length === 0
            ? "no claim left 'sending'"
            : `${stuck.length} claimed before the crash still 'sending' (${stuckRelayed} already ` +
              "relayed: they go out again when the 5-min lease ends)"),
        ...rowFigures(tally, r),
        failures,
      };
    },
  };
}
