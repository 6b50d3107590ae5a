import type { MessageSearch } from "@scripts-email/contracts";
import { createTestDatabase, type TestDatabase } from "@scripts-email/db/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ExportRepository } from "../export/export-repository.ts";
import { createServices } from "../index.ts";
import { MessageRepository } from "./message-repository.ts";
import { messageFilterOf, SEARCH_SCAN_ROWS } from "./message-search.ts";

// The plans of the message search on half a million rows, from PostgreSQL's EXPLAIN ANALYZE of
// the repository's own statements: each filter reads the hosting's index named in
// message-search.ts, never the whole table, and a filter no index answers reads at most
// SEARCH_SCAN_ROWS index entries per page.
let db: TestDatabase;
let big: string;
const BIG_ROWS = 450_000;
const OTHER_ROWS = 50_000;

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Actual Rows"?: number;
  "Actual Loops"?: number;
  Plans?: PlanNode[];
}

function nodesOf(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodesOf)];
}

/** The plan of each statement `read` sends, run with EXPLAIN ANALYZE instead. */
async function plansOf(
  read: (messages: MessageRepository, exports: ExportRepository) => Promise<unknown>,
  table = "Message",
) {
  const plans: PlanNode[] = [];
  const explaining = {
    prisma: db.prisma,
    sql: {
      ...db.sql,
      async query<T>(text: string, params: readonly unknown[] = []): Promise<T[]> {
        const [row] = await db.sql.query<{ "QUERY PLAN": Array<{ Plan: PlanNode }> }>(
          `EXPLAIN (ANALYZE, FORMAT JSON) ${text}`,
          params,
        );
        plans.push(row!["QUERY PLAN"][0]!.Plan);
        return [];
      },
    },
  };
  await read(new MessageRepository(explaining), new ExportRepository(explaining));
  return plans.flatMap(nodesOf).filter((n) => n["Relation Name"] === table);
}

beforeAll(async () => {
  db = await createTestDatabase();
  const services = createServices({ db });
  await services.users.create({
    email: "o@x.example",
    password: "correct horse",
    role: "customer",
  });
  for (const name of ["big.example", "other.example"]) {
    await services.hostings.create({ serviceName: name, ownerEmail: "o@x.example" });
  }
  const ids = new Map(
    (
      await db.sql.query<{ id: string; serviceName: string }>(
        `SELECT id::text AS id, "serviceName" FROM "Hosting"`,
      )
    ).map((h) => [h.serviceName, h.id]),
  );
  big = ids.get("big.example")!;
  const insert = (hosting: string, rows: number) =>
    db.sql.query(
      `INSERT INTO "Message" (id, "hostingId", "envelopeFrom", recipients, subject, size, status,
                             attempts, script, "expiresAt", "acceptedAt", source)
       SELECT gen_random_uuid(), $1::uuid, 'w@x.example', ARRAY['r' || (i % 5000) || '@y.example'],
              'order ' || i, 10,
              (ARRAY['sent','sent','sent','sent','sent','sent','failed','queued','held','expired'])
                [i % 10 + 1]::"MessageStatus",
              i % 3, 'script' || (i % 4) || '.php',
              now() + interval '72 hours', now() - i * interval '1 s', 'smtp'
         FROM generate_series(1, $2::int) i`,
      [hosting, rows],
    );
  await insert(big, BIG_ROWS);
  await insert(ids.get("other.example")!, OTHER_ROWS);
  // a delivery event for a tenth of the big hosting's mail: failed, deferred or delivered
  await db.sql.query(
    `INSERT INTO "DeliveryEvent" (id, "messageId", "hostingId", recipient, at, outcome, "smtpCode")
     SELECT gen_random_uuid(), id, "hostingId", recipients[1], "acceptedAt",
            (ARRAY['failed','deferred','delivered'])[1 + (hashtext(id::text) & 3) % 3]::"DeliveryOutcome",
            550
       FROM "Message" WHERE "hostingId" = $1::uuid AND hashtext(id::text) % 10 = 0`,
    [big],
  );
  await db.sql.query(`VACUUM ANALYZE "Message"`);
  await db.sql.query(`VACUUM ANALYZE "DeliveryEvent"`);
}, 300_000);

afterAll(async () => {
  await db?.dispose();
});

const DAY_AGO = new Date(Date.now() - 86_400_000).toISOString();

const cases: Array<{ search: MessageSearch; index: string; bounded: boolean }> = [
  { search: {}, index: "Message_hostingId_acceptedAt_id_idx", bounded: false },
  { search: { from: DAY_AGO }, index: "Message_hostingId_acceptedAt_id_idx", bounded: false },
  {
    search: { status: "held" },
    index: "Message_hostingId_status_acceptedAt_id_idx",
    bounded: false,
  },
  {
    search: { outcome: "failed" },
    index: "Message_hostingId_status_acceptedAt_id_idx",
    bounded: false,
  },
  {
    search: { script: "script3.php" },
    index: "Message_hostingId_script_acceptedAt_idx",
    bounded: false,
  },
  {
    search: { script: "script3.php", outcome: "held" },
    index: "Message_hostingId_script_acceptedAt_idx",
    bounded: true,
  },
  {
    search: { outcome: "deferred" },
    index: "Message_hostingId_status_acceptedAt_id_idx",
    bounded: true,
  },
  {
    search: { q: "nobody@nowhere.example" },
    index: "Message_hostingId_acceptedAt_id_idx",
    bounded: true,
  },
  {
    search: { recipient: "r7@y.example", to: DAY_AGO },
    index: "Message_hostingId_acceptedAt_id_idx",
    bounded: true,
  },
];

it.each(cases)(
  "a page of $search reads $index, never the whole table",
  async ({ search, index, bounded }) => {
    const filter = messageFilterOf(search)!;
    const nodes = await plansOf(async (messages) => {
      await messages.pageOf("big.example", null, { filter, take: 51 });
      await messages.searchEdge(big, filter, undefined);
    });
    expect(nodes.map((n) => n["Node Type"])).not.toContain("Seq Scan");
    expect(nodes.map((n) => n["Node Type"])).not.toContain("Bitmap Heap Scan");
    const scans = nodes.filter((n) => n["Index Name"]);
    expect(scans.length).toBeGreaterThan(0);
    for (const scan of scans) expect(scan["Index Name"]).toBe(index);
    // what each statement read: a page's worth, or the scan bound of a search (and one more row,
    // that closes a tie on acceptedAt, through the script index, which ends at acceptedAt)
    const most = (bounded ? SEARCH_SCAN_ROWS : 51) + 1;
    for (const scan of scans)
      expect(scan["Actual Rows"]! * scan["Actual Loops"]!).toBeLessThanOrEqual(most);
  },
);

it("an export batch deep in the hosting's mail starts at its cursor, not at the newest", async () => {
  const [deep] = await db.sql.query<{ acceptedAt: Date; id: string }>(
    `SELECT "acceptedAt", id::text AS id FROM "Message" WHERE "hostingId" = $1::uuid
      ORDER BY "acceptedAt" DESC, id DESC OFFSET 400000 LIMIT 1`,
    [big],
  );
  const nodes = await plansOf((messages) =>
    messages.exportBatch(big, messageFilterOf({ outcome: "delivered" })!, deep, 1000),
  );
  const scans = nodes.filter((n) => n["Index Name"]);
  expect(scans.map((n) => n["Index Name"])).toEqual(["Message_hostingId_status_acceptedAt_id_idx"]);
  expect(scans[0]!["Actual Rows"]).toBeLessThanOrEqual(1000);
});

it("an errors export batch reads the (hostingId, outcome, at, id) index, from its cursor", async () => {
  const [deep] = await db.sql.query<{ at: Date; id: string }>(
    `SELECT at, id::text AS id FROM "DeliveryEvent" WHERE "hostingId" = $1::uuid
      ORDER BY at DESC, id DESC OFFSET 20000 LIMIT 1`,
    [big],
  );
  const nodes = await plansOf(
    (_, exports) => exports.errorsBatch(big, deep, 1000),
    "DeliveryEvent",
  );
  expect(nodes.map((n) => n["Node Type"])).not.toContain("Seq Scan");
  const scans = nodes.filter((n) => n["Index Name"]);
  expect(scans.map((n) => n["Index Name"])).toEqual([
    "DeliveryEvent_hostingId_outcome_at_id_idx",
    "DeliveryEvent_hostingId_outcome_at_id_idx",
  ]);
  for (const scan of scans) expect(scan["Actual Rows"]).toBeLessThanOrEqual(1000);
});
