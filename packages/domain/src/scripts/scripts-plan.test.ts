import type { SqlQuery } from "@scripts-email/db";
import { createTestDatabase, type TestDatabase } from "@scripts-email/db/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { DAY, ManualClock } from "../clock.ts";
import { createServices } from "../index.ts";
import { ScriptsRepository } from "./scripts-repository.ts";

// The per-script view reads one hosting's window of mail, not its whole history nor other
// hostings': PostgreSQL's own plan of the repository's real statement, on a hosting with 100
// days of mail beside a busier one.
let db: TestDatabase;

const NOW = "2026-03-10T12:00:00.000Z";
const PER_DAY = 300;
const DAYS = 100;

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 2 });
  const services = createServices({ db, clock: new ManualClock(NOW) });
  await services.users.create({
    email: "o@x.example",
    password: "correct horse",
    role: "customer",
  });
  const hosting = await services.hostings.create({
    serviceName: "big.example",
    ownerEmail: "o@x.example",
  });
  const other = await services.hostings.create({
    serviceName: "other.example",
    ownerEmail: "o@x.example",
  });
  const insert = (id: string, perDay: number) =>
    db.sql.query(
      `INSERT INTO "Message" (id, "hostingId", "envelopeFrom", recipients, size, status,
                             "expiresAt", "acceptedAt", source, script, spam)
       SELECT gen_random_uuid(), $1::uuid, 'w@x.example', ARRAY['r@y.example'], 10,
              (ARRAY['sent', 'sent', 'sent', 'failed', 'held', 'queued'])[1 + i % 6]::"MessageStatus",
              $2::timestamptz, $2::timestamptz - i * interval '1 day' / $3::int,
              'sendmail', 'script' || (i % 40) || '.php', i % 12 = 4
         FROM generate_series(0, $3::int * $4::int - 1) i`,
      [id, NOW, perDay, DAYS],
    );
  await insert(hosting.id, PER_DAY);
  await insert(other.id, PER_DAY * 2);
  await db.sql.query(`VACUUM ANALYZE "Message"`);
}, 300_000);

afterAll(async () => {
  await db?.dispose();
});

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Index Cond"?: string;
  "Actual Rows": number;
  Plans?: PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

it("scans only the hosting's window through its (hostingId, acceptedAt) index", async () => {
  // the repository's own statement and parameters, run under EXPLAIN ANALYZE
  let statement: { text: string; params: readonly unknown[] } | undefined;
  const recording: SqlQuery = {
    query: async <T>(text: string, params: readonly unknown[] = []) => {
      statement = { text, params };
      return db.sql.query<T>(text, params);
    },
  };
  const repo = new ScriptsRepository({ prisma: db.prisma, sql: { ...db.sql, ...recording } });
  // the 7 days view at noon: six days and a half of mail
  const from = new Date(new Date("2026-03-10T00:00:00.000Z").getTime() - 6 * DAY);
  const started = performance.now();
  const found = await repo.statsOf("big.example", null, from);
  const ms = performance.now() - started;
  const window = found?.rows.reduce((sum, r) => sum + r.accepted, 0) ?? 0;
  expect(window).toBeGreaterThan(6 * PER_DAY);
  expect(window).toBeLessThan(8 * PER_DAY);
  expect(found?.rows).toHaveLength(40);

  if (!statement) throw new Error("no statement recorded");
  const [row] = await db.sql.query<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(
    `EXPLAIN (ANALYZE, FORMAT JSON) ${statement.text}`,
    statement.params,
  );
  const plan = row?.["QUERY PLAN"][0].Plan;
  if (!plan) throw new Error("no plan");
  const all = nodes(plan);
  const indexReads = all.filter((n) => n["Index Name"]?.startsWith("Message_"));
  expect(
    all.filter((n) => n["Relation Name"] === "Message" && n["Node Type"] === "Seq Scan"),
  ).toEqual([]);
  expect(indexReads.map((n) => n["Index Name"])).toEqual(["Message_hostingId_acceptedAt_id_idx"]);
  const [read] = indexReads;
  expect(read?.["Index Cond"]).toMatch(/"hostingId" = .*"acceptedAt" >=/s);
  // the index hands over exactly the window's rows: a bounded range, not a filtered scan
  expect(read?.["Actual Rows"]).toBe(window);
  console.info(
    `scripts view: ${window} of ${PER_DAY * DAYS * 3} messages in the window, ${ms.toFixed(1)} ms`,
  );
});
