import { SYSTEM } from "@scripts-email/domain";
import { freePort } from "../../ports.ts";
import type { TestRelay } from "../../test-relay.ts";
import { type Scenario, type ScenarioResult, sleep, until } from "../lib/harness.ts";
import {
  fmt,
  RelayCounter,
  reconcile,
  rowFigures,
  sample,
  waitForDelivery,
} from "../lib/ledger.ts";
import { type ClientTally, describeAnswers, submitWithRetries } from "../lib/submit.ts";
import { createWorld, startRelay } from "../lib/world.ts";

export interface RelayDownOptions {
  /** Messages sent while the relay's port is closed, while it answers 421, once it is back. */
  perPhase: number;
  /** Every n-th message of the last phase goes to a recipient the relay refuses with 550. */
  every550: number;
  /** From the first attempt: connection refused this long, then 421 until `acceptAfterMs`. */
  refuseMs: number;
  acceptAfterMs: number;
  timeoutMs: number;
}

export const RELAY_DOWN_DEFAULTS: RelayDownOptions = {
  perPhase: 100,
  every550: 5,
  refuseMs: 30_000,
  // The worker retries a deferred message 60 s after its first attempt: be back before that.
  acceptAfterMs: 50_000,
  timeoutMs: 150_000,
};

const eventsText = (events: Map<string, number>) =>
  [...events].map(([k, n]) => `${k} ×${n}`).join(", ");

const sum = (events: Map<string, number>, outcome: string) =>
  [...events].filter(([k]) => k.startsWith(`${outcome} `)).reduce((a, [, n]) => a + n, 0);

/**
 * The relay is down: its port refuses connections for ~30 s, then it answers every connection
 * 421 for ~20 s, then it accepts. Mail sent meanwhile is deferred (recorded as deferred delivery
 * events) and delivered once the relay is back, at the worker's first retry (60 s). Then some
 * recipients are refused with 550: each becomes a recorded delivery error, listed by the panel's
 * error list and by the nightly report of the day.
 */
export function relayDown(overrides: Partial<RelayDownOptions> = {}): Scenario {
  const o = { ...RELAY_DOWN_DEFAULTS, ...overrides };
  return {
    name: "relay-down",
    timeoutMs: o.timeoutMs,
    async run(ctx): Promise<ScenarioResult> {
      const world = await createWorld(ctx, "relay-down.example");
      const relayPort = await freePort();
      const product = await world.start(`smtp://127.0.0.1:${relayPort}`);
      ctx.progress(`product running (pid ${product.pid}); relay port ${relayPort} closed`);
      const run = `rdown-${Date.now().toString(36)}`;
      const send = (phase: string, recipient?: (subject: string) => string) =>
        submitWithRetries({
          port: world.smtpPort,
          user: world.hosting.serviceName,
          password: world.hosting.password,
          subjects: Array.from({ length: o.perPhase }, (_, i) => `${run} ${phase} ${i}`),
          clients: 5,
          ...(recipient ? { recipient } : {}),
          signal: ctx.signal,
        });
      const deferredAtLeast = (n: number, what: string) =>
        until(what, async () => sum(await world.events(), "deferred") >= n, {
          timeoutMs: 20_000,
          signal: ctx.signal,
        });

      // Phase 1: nothing listens on the relay's port.
      const t0 = Date.now();
      const refused = await send("refused");
      await deferredAtLeast(o.perPhase, "deferrals while the relay port is closed");
      ctx.progress(
        `phase 1: ${o.perPhase} sent, all deferred: ${eventsText(await world.events())}`,
      );
      await sleep(Math.max(0, t0 + o.refuseMs - Date.now()), ctx.signal);

      // Phase 2: the relay is up but greets every connection with 421.
      const relay: TestRelay = await startRelay(ctx, relayPort);
      relay.mode = "greet-421";
      const counter = new RelayCounter(relay);
      ctx.progress(`relay listening again after ${((Date.now() - t0) / 1000).toFixed(1)} s: 421`);
      const greeted = await send("greet-421");
      await deferredAtLeast(2 * o.perPhase, "deferrals while the relay answers 421");
      ctx.progress(
        `phase 2: ${o.perPhase} sent, deferred; ${relay.refusedConnections} connections got 421`,
      );
      await sleep(Math.max(0, t0 + o.acceptAfterMs - Date.now()), ctx.signal);

      // Phase 3: the relay accepts, except recipients `+550`.
      relay.mode = "accept";
      const backAt = Date.now();
      ctx.progress(`relay accepts after ${((backAt - t0) / 1000).toFixed(1)} s`);
      const to550 = new Set<string>();
      const back = await send("back", (subject) => {
        const i = Number(subject.split(" ").pop());
        if (i % o.every550 !== 0) return `to${i}@dest.test`;
        to550.add(subject);
        return `to${i}+550@dest.test`;
      });

      const tallies: ClientTally[] = [refused, greeted, back];
      const tally: ClientTally = {
        ...back,
        submitted: tallies.reduce((a, t) => a + t.submitted, 0),
        accepted: new Set(tallies.flatMap((t) => [...t.accepted])),
        unknown: new Set(tallies.flatMap((t) => [...t.unknown])),
        rejected: tallies.flatMap((t) => t.rejected),
        refused4xx: tallies.reduce((a, t) => a + t.refused4xx, 0),
        pending: tallies.flatMap((t) => t.pending),
        attempts: tallies.flatMap((t) => t.attempts),
      };
      const expected = [...tally.accepted].filter((s) => !to550.has(s));
      ctx.progress(
        `waiting for the retries (60 s after each first attempt) to deliver ${expected.length}`,
      );
      const wait = await waitForDelivery(ctx, world, counter, expected, {
        timeoutMs: 90_000,
        untilFinished: true,
      });
      const deliveredAfter = ((Date.now() - backAt) / 1000).toFixed(1);
      const r = reconcile(tally, await world.storedSubjects(), counter.update(), to550);
      const events = await world.events();
      const statuses = await world.statuses();

      // What the panel shows (the errors list) and what the nightly report of the day lists.
      const errors = await world.services.email.errors(SYSTEM, world.hosting.serviceName, 100);
      const errors550 = errors.filter((e) => e.code === 550);
      const day = new Date().toISOString().slice(0, 10);
      let reportNote: string;
      let reportOk = false;
      try {
        const reports = await world.services.reports.run(day, {
          serviceName: world.hosting.serviceName,
          dryRun: true,
        });
        const report = reports[0];
        const listed = errors550.filter((e) => report?.text?.includes(e.recipient)).length;
        reportOk = report?.errors === to550.size && /\b550\b/.test(report?.text ?? "");
        reportNote =
          `nightly report of ${day} (dry run): ${report?.errors ?? 0} error(s), code 550 ` +
          `${/\b550\b/.test(report?.text ?? "") ? "listed" : "NOT listed"}, ` +
          `${listed} recipients named (it names up to 3 per cause)`;
      } catch (error) {
        reportNote = `nightly report not available: ${error instanceof Error ? error.message : error}`;
      }
      ctx.progress(`events: ${eventsText(events)}; ${reportNote}`);

      const failures: string[] = [];
      failures.push(...(await world.keptCountFailures()));
      if (!product.alive()) failures.push(`the product died:\n${product.tail()}`);
      if (tally.accepted.size !== tally.submitted) {
        failures.push(
          `SMTP refused mail while the relay was down: ${describeAnswers(refused)}; ` +
            `${describeAnswers(greeted)}; ${describeAnswers(back)}`,
        );
      }
      if (r.missing.length > 0) {
        failures.push(
          `${r.missing.length} not delivered after ${deliveredAfter} s: ${sample(r.missing)}; ` +
            `statuses ${JSON.stringify(statuses)}`,
        );
      }
      if (!wait.complete) failures.push(`queue not empty: ${JSON.stringify(statuses)}`);
      if (r.duplicated.length > 0) failures.push(`${r.duplicated.length} relayed twice`);
      if (sum(events, "deferred") < 2 * o.perPhase) {
        failures.push(`only ${sum(events, "deferred")} deferred events for ${2 * o.perPhase}`);
      }
      if (relay.refusedConnections === 0) failures.push("no connection got the 421 greeting");
      if ((statuses.failed ?? 0) !== to550.size || errors550.length !== to550.size) {
        failures.push(
          `${to550.size} sent to +550: ${statuses.failed ?? 0} failed, ${errors550.length} ` +
            "in the errors list",
        );
      }
      if (!reportOk) failures.push(reportNote);
      return {
        done:
          `relay port closed ${o.refuseMs / 1000} s, then 421 greeting to ` +
          `${relay.refusedConnections} connections, back after ${((backAt - t0) / 1000).toFixed(0)} s; ` +
          `${fmt(o.perPhase)} msgs sent in each phase; events ${eventsText(events)}; all deferred ` +
          `mail delivered ${deliveredAfter} s after the relay came back; ${to550.size} to +550: ` +
          `failed, ${errors550.length} in the errors list; ${reportNote}`,
        ...rowFigures(tally, r),
        failures,
      };
    },
  };
}
