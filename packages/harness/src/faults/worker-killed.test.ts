import { createTestDatabase, type TestDatabase } from "@scripts-email/db/testing";
import { createServices } from "@scripts-email/domain";
import { afterAll, beforeAll, expect, it } from "vitest";
import { settleWithin } from "../pool-probe.ts";
import { reconcileDeliveries } from "../relay-ledger.ts";
import { startTestRelay, type TestRelay } from "../test-relay.ts";
import { startWorkerChild, type WorkerChild } from "../worker-child.ts";

// Issue 3: a worker killed mid-batch → no loss. Issue 12: and no duplicate beyond the messages
// that were at the relay. The worker runs in a child process that is SIGKILLed while its round
// is being relayed; a second worker takes the claims over once their lease has run out (nobody
// renews them any more), within seconds.

const MESSAGES = 300;
const BATCH = 100;
const CONCURRENCY = 5;
/** At the relay, or answered and not yet recorded: the worker's bound (worker.ts maxUnrecorded). */
const MAX_UNRECORDED = 3 * CONCURRENCY;
const LEASE_MS = 2_000;
/** Relayed messages before the kill: three quarters through the second round. */
const KILL_AFTER = BATCH + (3 * BATCH) / 4;

let db: TestDatabase | undefined;
let relay: TestRelay | undefined;
const workers: WorkerChild[] = [];

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 5 });
  // Slow enough that a round takes most of a second: the kill lands inside one.
  relay = await startTestRelay(0, { delayMs: 40 });
}, 60_000);

afterAll(async () => {
  await Promise.allSettled(workers.map((w) => w.kill("SIGKILL")));
  if (relay) await settleWithin(relay.close());
  await db?.dispose();
}, 30_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  everyMs = 5,
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

it("delivers every message after a worker is SIGKILLed mid-round, repeating only what was at the relay", async () => {
  const started = Date.now();
  const services = createServices({ db: db!, mail: { burst: { limit: 0, windowMs: 60_000 } } });
  await services.users.create({
    email: "owner@kill.test",
    password: "correct horse",
    role: "customer",
  });
  const hosting = await services.hostings.create({
    serviceName: "kill.test",
    ownerEmail: "owner@kill.test",
    maxPerDay: 1_000_000,
  });
  const subjects = Array.from({ length: MESSAGES }, (_, i) => `worker-killed ${i}`);
  await Promise.all(
    subjects.map((subject, i) =>
      services.mail.ingest.accept({
        hostingId: hosting.id,
        envelopeFrom: "site@kill.test",
        recipients: [`to${i}@dest.test`],
        raw: Buffer.from(
          `From: site@kill.test\r\nTo: to${i}@dest.test\r\nSubject: ${subject}\r\n\r\nHello.\r\n`,
        ),
        source: "smtp",
      }),
    ),
  );
  const status = async () => {
    const rows = await db!.prisma.message.groupBy({ by: ["status"], _count: true });
    return Object.fromEntries(rows.map((r) => [r.status, r._count])) as Record<string, number>;
  };
  const settings = {
    databaseUrl: db!.url,
    relayUrl: relay!.url,
    batchSize: BATCH,
    concurrency: CONCURRENCY,
    leaseMs: LEASE_MS,
  };

  const first = await startWorkerChild(settings);
  workers.push(first);
  await until("deliveries before the kill", () => relay!.received.length >= KILL_AFTER, 20_000);
  const killed = await first.kill("SIGKILL");
  const killedAt = Date.now();
  const relayedBeforeKill = relay!.received.length;
  const roundsBeforeKill = first.rounds();
  // The claims of the round in flight, left `sending` under the dead worker's lease.
  const inFlight = await db!.prisma.message.findMany({
    where: { status: "sending" },
    select: { subject: true },
  });
  const statusAtKill = await status();

  relay!.delayMs = 5; // the rest may go fast
  const second = await startWorkerChild(settings);
  const secondReadyAt = Date.now();
  workers.push(second);
  await until("every message sent", async () => (await status()).sent === MESSAGES, 30_000, 50);
  const takenOverMs = Date.now() - secondReadyAt;
  await second.kill("SIGTERM");

  const ledger = reconcileDeliveries(subjects, relay!.received);
  const claimedInFlight = new Set(inFlight.map((m) => m.subject));
  console.log(
    `[fault worker-killed] ${MESSAGES} queued, batch ${BATCH}, lease ${LEASE_MS} ms: worker ` +
      `${killed} after ${relayedBeforeKill} relayed (${roundsBeforeKill} rounds recorded), ` +
      `${inFlight.length} left claimed, ${statusAtKill.sent ?? 0} recorded as sent; relay ` +
      `received ${ledger.received}, missing ` +
      `${ledger.missing.length}, duplicates ${ledger.duplicated.length} (max ${ledger.maxCopies} ` +
      `copies), final ${JSON.stringify(await status())}; second worker started ` +
      `${secondReadyAt - killedAt} ms after the kill, done ${takenOverMs} ms later, ` +
      `${Date.now() - started} ms in all`,
  );

  expect(killed).toBe("SIGKILL");
  expect(ledger.missing).toEqual([]);
  expect(await status()).toEqual({ sent: MESSAGES });
  expect(ledger.unexpected).toBe(0);
  // Results are recorded as messages finish, not at the end of the round: at the kill, all but
  // those at the relay or just answered were recorded.
  expect(statusAtKill.sent ?? 0).toBeGreaterThanOrEqual(relayedBeforeKill - MAX_UNRECORDED);
  // Only what was at the relay may go out twice (not the whole round), and only once more.
  expect(ledger.duplicated.filter((s) => !claimedInFlight.has(s))).toEqual([]);
  expect(ledger.duplicated.length).toBeLessThanOrEqual(MAX_UNRECORDED);
  expect(ledger.maxCopies).toBeLessThanOrEqual(2);
  expect(ledger.received).toBe(MESSAGES + ledger.duplicated.length);
  // The dead worker's claims went out again once its lease ran out, not minutes later.
  expect(takenOverMs).toBeLessThan(LEASE_MS + 4_000);
  // The kill really landed inside a round (else this test proves nothing).
  expect(inFlight.length).toBeGreaterThan(MAX_UNRECORDED);
  expect(inFlight.length).toBeLessThanOrEqual(BATCH);
}, 60_000);
