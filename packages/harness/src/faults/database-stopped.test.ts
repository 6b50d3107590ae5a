import { type Database, openDatabase } from "@scripts-email/db";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type IngestStack, startIngestStack } from "../ingest-stack.ts";
import { settleWithin, usablePoolConnections } from "../pool-probe.ts";
import { type PrivatePostgres, startPrivatePostgres } from "../private-postgres.ts";
import { runSmtpLoad, type Submission } from "../smtp-load.ts";
import { describeRefusals, reconcileSubmissions } from "../submission-ledger.ts";

// Issue 3: the database stopped under load → 4xx, nothing acknowledged lost, recovery by itself.
// PostgreSQL is a private cluster of this file (the shared one on 5432 is never stopped), and it
// is stopped `immediate`, a crash: what was committed must come back from the WAL.

const MESSAGES = 400;
const CLIENTS = 8;
/** Acknowledged messages before the database goes away. */
const STOP_AFTER = 120;
const OUTAGE_MS = 2_000;
const POOL_SIZE = 10;

let postgres: PrivatePostgres | undefined;
let db: Database | undefined;
let stack: IngestStack | undefined;

beforeAll(async () => {
  postgres = await startPrivatePostgres();
  db = await openDatabase({ databaseUrl: postgres.url, dataDir: "", poolSize: POOL_SIZE });
  stack = await startIngestStack(db);
}, 60_000);

afterAll(async () => {
  // A leaked pool connection (see the known bug below) never lets these finish: bounded.
  if (stack) await settleWithin(stack.close());
  if (db) await settleWithin(db.close());
  await postgres?.destroy();
}, 30_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it("answers 4xx while PostgreSQL is away, loses nothing it acknowledged, and recovers by itself", async () => {
  const pg = postgres!;
  const { port, hosting } = stack!;
  const run = `dbstop-${Date.now().toString(36)}`;
  const load = {
    port,
    user: hosting.serviceName,
    password: hosting.password,
    pauseMs: 15,
    backoffMs: 200,
    replyTimeoutMs: 15_000,
  };

  let fire: () => void = () => undefined;
  const fired = new Promise<void>((resolve) => {
    fire = resolve;
  });
  const outage = fired.then(async () => {
    const downAt = Date.now();
    await pg.stop("immediate");
    await sleep(OUTAGE_MS);
    await pg.start();
    return { downAt, upAt: Date.now() };
  });

  const started = Date.now();
  let acknowledged = 0;
  const submissions = await runSmtpLoad({
    ...load,
    messages: MESSAGES,
    clients: CLIENTS,
    subject: (i) => `${run} ${i}`,
    onSubmission: (s) => {
      if (s.outcome.kind === "accepted" && ++acknowledged === STOP_AFTER) fire();
    },
  });
  fire(); // never leave the outage pending, even if the load did not get that far
  const { downAt, upAt } = await outage;

  // New mail gets through again, through the same server and pool, with nobody restarting them.
  const after = await runSmtpLoad({
    ...load,
    messages: 40,
    clients: 4,
    subject: (i) => `${run} after ${i}`,
  });

  const rows = await db!.prisma.message.findMany({
    where: { subject: { startsWith: run } },
    select: { subject: true },
  });
  const ledger = reconcileSubmissions(
    submissions,
    rows.map((r) => r.subject),
  );
  const usable = await usablePoolConnections(db!, POOL_SIZE);
  const during = (s: Submission) => s.at + started >= downAt && s.at + started <= upAt;
  console.log(
    `[fault database-stopped] ${MESSAGES} submitted by ${CLIENTS} clients, PostgreSQL down ` +
      `${((upAt - downAt) / 1000).toFixed(1)} s after ${STOP_AFTER} acknowledged: ` +
      `acknowledged ${ledger.acknowledged}, refused 4xx ${ledger.deferred}, 5xx ${ledger.rejected.length}, ` +
      `dropped ${ledger.dropped} (${describeRefusals(submissions)}); stored ${ledger.stored} ` +
      `(${ledger.storedUnacknowledged} without a 250), lost ${ledger.lost.length}; ` +
      `answered during the outage ${submissions.filter(during).length}; ` +
      `after restart ${after.filter((s) => s.outcome.kind === "accepted").length}/${after.length} accepted; ` +
      `pool connections usable afterwards ${usable}/${POOL_SIZE}; ` +
      `${stack!.errors.length} server errors logged; ${Date.now() - started} ms`,
  );

  expect(ledger.lost.map((s) => s.subject)).toEqual([]);
  expect(ledger.rejected.map((s) => `${s.subject}: ${JSON.stringify(s.outcome)}`)).toEqual([]);
  expect(ledger.storedTwice).toEqual([]);
  expect(ledger.acknowledged + ledger.deferred + ledger.dropped).toBe(MESSAGES);
  // Whatever was not stored was refused with a 4xx or cut off, never answered 250.
  expect(ledger.stored).toBe(ledger.acknowledged + ledger.storedUnacknowledged);

  // The fault really happened under load: mail before it, refusals during it, mail after it.
  expect(ledger.acknowledged).toBeGreaterThanOrEqual(STOP_AFTER);
  expect(ledger.deferred + ledger.dropped).toBeGreaterThan(0);
  expect(submissions.some((s) => s.outcome.kind === "accepted" && s.at + started > upAt)).toBe(
    true,
  );

  expect(after.map((s) => s.outcome.kind)).toEqual(after.map(() => "accepted"));
  const afterRows = await db!.prisma.message.count({
    where: { subject: { startsWith: `${run} after ` } },
  });
  expect(afterRows).toBe(after.length);
}, 60_000);

// Prisma 6.19's client engine closes a transaction with `await executeRaw("ROLLBACK"/"COMMIT");
// await tx.rollback()/commit()`: when that statement fails because the connection died, the
// stock adapter's rollback()/commit(), which gives the pg client back to the pool, is never
// called. packages/db/src/pg-adapter.ts releases it; without that every crash would leak the
// connections of the transactions in flight until every query of the process waits for ever.
it("gives every pool connection back after a crash in the middle of a transaction", async () => {
  const pg = postgres!;
  const before = await usablePoolConnections(db!, POOL_SIZE);
  const open = db!.prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT 1`;
    await sleep(1_000);
    await tx.$executeRaw`SELECT 1`;
  });
  const failed = open.then(
    () => false,
    () => true,
  );
  await sleep(200);
  await pg.stop("immediate");
  await pg.start();
  expect(await failed).toBe(true);
  const after = await usablePoolConnections(db!, POOL_SIZE);
  console.log(`[fault database-stopped] pool connections usable: ${before} before, ${after} after`);
  expect(after).toBe(before);
}, 30_000);
