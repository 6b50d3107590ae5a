import { subjectOf } from "../../relay-ledger.ts";
import type { Scenario, ScenarioResult } from "../lib/harness.ts";
import {
  expectedOf,
  RelayCounter,
  reconcile,
  rowFigures,
  sample,
  waitForDelivery,
} from "../lib/ledger.ts";
import { type ClientTally, describeAnswers, submitWithRetries } from "../lib/submit.ts";
import { createWorld, startRelay } from "../lib/world.ts";

export interface PoisonOptions {
  /** The victim hosting's messages, sent at the same time as the poison. */
  normal: number;
  /** Poison messages (subjects that decode to NUL or to no character), over 5 sessions. */
  poisons: number;
  /** Messages the database refuses whatever is done to them (see below). */
  unstorable: number;
  timeoutMs: number;
}

export const POISON_DEFAULTS: PoisonOptions = {
  normal: 500,
  poisons: 200,
  unstorable: 10,
  timeoutMs: 120_000,
};

/** Encoded-words whose text PostgreSQL cannot hold as decoded: NUL (B, Q, UTF-16), a lone surrogate. */
const FORMS = ["=?UTF-8?B?AA==?=", "=?UTF-8?Q?=00?=", "=?UTF-16?B?AAA=?=", "=?UTF-16LE?B?ANg=?="];

/**
 * Issue 12: a poisoned hosting sends, over 5 sessions, subjects whose encoded-words decode to NUL
 * (or to a lone surrogate), plus a few messages the database refuses outright (a trigger of this
 * scenario's database raises the error PostgreSQL gives a NUL, 22021, for any subject holding
 * UNSTORABLE: no mending can save them). Meanwhile another hosting sends its mail. That hosting
 * must never get a 4xx; the poison is stored with its text mended (once each, relayed byte for
 * byte); the unstorable messages get a permanent 554, never a 451 that makes a client retry
 * forever.
 */
export function poisonMessage(overrides: Partial<PoisonOptions> = {}): Scenario {
  const o = { ...POISON_DEFAULTS, ...overrides };
  return {
    name: "poison-message",
    timeoutMs: o.timeoutMs,
    async run(ctx): Promise<ScenarioResult> {
      const world = await createWorld(ctx, "victim.example");
      const poisoner = await world.services.hostings.create({
        serviceName: "poisoner.example",
        ownerEmail: "owner@victim.example",
        maxPerDay: 1_000_000,
      });
      const poisonerPassword = await world.services.hostings.resetSmtpPassword("poisoner.example");
      await world.db.sql.query(`CREATE FUNCTION refuse_unstorable() RETURNS trigger
        LANGUAGE plpgsql AS $$ BEGIN
          RAISE EXCEPTION 'invalid byte sequence (chaos)' USING ERRCODE = '22021';
        END $$`);
      await world.db.sql.query(`CREATE TRIGGER refuse_unstorable BEFORE INSERT ON "Message"
        FOR EACH ROW WHEN (NEW.subject LIKE '%UNSTORABLE%') EXECUTE FUNCTION refuse_unstorable()`);
      const relay = await startRelay(ctx);
      const counter = new RelayCounter(relay);
      const product = await world.start(relay.url);
      ctx.progress(`product running (pid ${product.pid})`);
      const run = `poison-${Date.now().toString(36)}`;
      const asPoisoner = (subjects: string[], clients: number): Promise<ClientTally> =>
        submitWithRetries({
          port: world.smtpPort,
          user: poisoner.serviceName,
          password: poisonerPassword,
          subjects,
          clients,
          // A poison answered 4xx would come back forever: a few passes show it.
          maxPasses: 3,
          retryPauseMs: 200,
          signal: ctx.signal,
        });
      const [victim, poison, unstorable] = await Promise.all([
        submitWithRetries({
          port: world.smtpPort,
          user: world.hosting.serviceName,
          password: world.hosting.password,
          subjects: Array.from({ length: o.normal }, (_, i) => `${run} normal ${i}`),
          clients: 4,
          maxPasses: 3,
          retryPauseMs: 200,
          signal: ctx.signal,
        }),
        asPoisoner(
          Array.from({ length: o.poisons }, (_, i) => `${run} poison ${i} ${FORMS[i % 4]}`),
          5,
        ),
        asPoisoner(
          Array.from({ length: o.unstorable }, (_, i) => `${run} UNSTORABLE ${i}`),
          1,
        ),
      ]);
      ctx.progress(
        `victim ${victim.accepted.size}/${o.normal} acknowledged (${describeAnswers(victim)}); ` +
          `poison ${poison.accepted.size}/${o.poisons} (${describeAnswers(poison)}); ` +
          `unstorable: ${describeAnswers(unstorable)}`,
      );

      // The poisoner's rows, by the Subject of their stored bytes (the column holds the mended text).
      const poisonRows = await world.db.prisma.message.findMany({
        where: { hostingId: poisoner.id },
        select: { subject: true, raw: true },
      });
      const poisonStored = poisonRows.map((r) => subjectOf(Buffer.from(r.raw ?? [])) ?? "");
      const unmended = poisonRows.filter((r) => !r.subject.endsWith("\uFFFD"));

      const stored = await world.storedSubjects();
      const wait = await waitForDelivery(
        ctx,
        world,
        counter,
        [...expectedOf(victim, stored), ...poison.accepted],
        { timeoutMs: 45_000, untilFinished: true },
      );
      const copies = counter.update();
      const r = reconcile(victim, await world.storedSubjects(), copies);
      const p = reconcile(poison, poisonStored, copies);

      const failures: string[] = [];
      failures.push(...(await world.keptCountFailures()));
      if (!product.alive()) failures.push(`the product died:\n${product.tail()}`);
      if (victim.refused4xx > 0 || victim.rejected.length > 0 || victim.pending.length > 0) {
        failures.push(`the other hosting's mail was refused: ${describeAnswers(victim)}`);
      }
      if (poison.accepted.size !== o.poisons) {
        failures.push(`poison not accepted once mended: ${describeAnswers(poison)}`);
      }
      const wrong = unstorable.attempts.filter(
        (a) => a.outcome.kind !== "refused" || a.outcome.code !== 554,
      );
      if (wrong.length > 0 || unstorable.rejected.length !== o.unstorable) {
        failures.push(
          `unstorable messages not refused with 554 once each: ${describeAnswers(unstorable)}`,
        );
      }
      if (unmended.length > 0) failures.push(`${unmended.length} poison rows not mended`);
      for (const [who, x] of [
        ["victim", r],
        ["poison", p],
      ] as const) {
        if (x.notStored.length > 0) {
          failures.push(
            `${who}: ${x.notStored.length} acknowledged, not stored: ${sample(x.notStored)}`,
          );
        }
        if (x.storedTwice.length > 0) failures.push(`${who}: ${x.storedTwice.length} stored twice`);
        if (x.missing.length > 0) failures.push(`${who}: ${x.missing.length} never relayed`);
        if (x.duplicated.length > 0) failures.push(`${who}: ${x.duplicated.length} relayed twice`);
      }
      if (!wait.complete) failures.push("queue not empty");
      const all = {
        submitted: victim.submitted + poison.submitted + unstorable.submitted,
        accepted: new Set([...victim.accepted, ...poison.accepted]),
        refused4xx: victim.refused4xx + poison.refused4xx + unstorable.refused4xx,
      };
      return {
        done:
          `5 sessions of poison (${FORMS.join(" ")}) ×${o.poisons} → ${poison.accepted.size} ` +
          `stored mended; ${o.unstorable} unstorable → ${describeAnswers(unstorable)}; ` +
          `other hosting ${victim.accepted.size}/${o.normal} accepted, ${victim.refused4xx} 4xx`,
        ...rowFigures(all, {
          delivered: r.delivered + p.delivered,
          lost: r.lost + p.lost,
          duplicated: [...r.duplicated, ...p.duplicated],
        }),
        failures,
      };
    },
  };
}
