import { createTestDatabase, type TestDatabase } from "@scripts-email/db/testing";
import { createServices } from "@scripts-email/domain";
import { afterAll, beforeAll, expect, it } from "vitest";
import { settleWithin } from "../testing/pool-probe.ts";
import { reconcileDeliveries } from "../testing/relay-ledger.ts";
import { startTestRelay, type TestRelay } from "../testing/test-relay.ts";
import { startWorkerChild, type WorkerChild } from "../testing/worker-child.ts";

// Issue 3: a worker killed mid-batch → no loss, no duplicate beyond the batch in flight.
// The worker runs in a child process that is SIGKILLed while its batch is being relayed; a
// second worker takes the claims over once their lease has run out.

const MESSAGES = 300;
const BATCH = 40;
const LEASE_MS = 2_000;
/** Relayed messages before the kill: half way through the second batch. */
const KILL_AFTER = BATCH + BATCH / 2;

let db: TestDatabase | undefined;
let relay: TestRelay | undefined;
const workers: WorkerChild[] = [];

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 5 });
  // Slow enough that a batch takes a few hundred milliseconds: the kill lands inside one.
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

it("delivers every message after a worker is SIGKILLed mid-batch, repeating only that batch", async () => {
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
    leaseMs: LEASE_MS,
  };

  const first = await startWorkerChild(settings);
  workers.push(first);
  await until("deliveries before the kill", () => relay!.received.length >= KILL_AFTER, 20_000);
  const killed = await first.kill("SIGKILL");
  const killedAt = Date.now();
  const relayedBeforeKill = relay!.received.length;
  const roundsBeforeKill = first.rounds();
  // The claims of the batch in flight, left `sending` under the dead worker's lease.
  const inFlight = await db!.prisma.message.findMany({
    where: { status: "sending" },
    select: { subject: true },
  });

  relay!.delayMs = 5; // the rest may go fast
  const second = await startWorkerChild(settings);
  workers.push(second);
  await until("every message sent", async () => (await status()).sent === MESSAGES, 30_000, 50);
  await second.kill("SIGTERM");

  const ledger = reconcileDeliveries(subjects, relay!.received);
  const claimedInFlight = new Set(inFlight.map((m) => m.subject));
  console.log(
    `[fault worker-killed] ${MESSAGES} queued, batch ${BATCH}, lease ${LEASE_MS} ms: worker ` +
      `${killed} after ${relayedBeforeKill} relayed (${roundsBeforeKill} rounds recorded), ` +
      `${inFlight.length} left claimed; relay received ${ledger.received}, missing ` +
      `${ledger.missing.length}, duplicates ${ledger.duplicated.length} (max ${ledger.maxCopies} ` +
      `copies), final ${JSON.stringify(await status())}; taken over in ${Date.now() - killedAt} ms, ` +
      `${Date.now() - started} ms in all`,
  );

  expect(killed).toBe("SIGKILL");
  expect(ledger.missing).toEqual([]);
  expect(await status()).toEqual({ sent: MESSAGES });
  expect(ledger.unexpected).toBe(0);
  // Only the batch in flight may go out twice, and only once more.
  expect(ledger.duplicated.filter((s) => !claimedInFlight.has(s))).toEqual([]);
  expect(ledger.duplicated.length).toBeLessThanOrEqual(BATCH);
  expect(ledger.maxCopies).toBeLessThanOrEqual(2);
  expect(ledger.received).toBe(MESSAGES + ledger.duplicated.length);
  // The kill really landed inside a batch (else this test proves nothing).
  expect(inFlight.length).toBeGreaterThan(0);
  expect(inFlight.length).toBeLessThanOrEqual(BATCH);
}, 60_000);
