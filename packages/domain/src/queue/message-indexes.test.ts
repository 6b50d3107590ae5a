import { createTestDatabase, type TestDatabase } from "@scripts-email/db/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { SYSTEM } from "../actor.ts";
import { createServices, type Services } from "../index.ts";
import { recountOutcomes } from "./outcome-minute.ts";

// Which index each hot query reads, from PostgreSQL's own counters, with the repositories' real
// SQL. The partial indexes must serve their own query and never the panel's reads: a planner
// that counted one hosting's queued mail through Message_due_idx read every due message of every
// hosting (4.4 s for a purge request after a million messages were held).
let db: TestDatabase;
let services: Services;
let big: string;

const ROWS = 20_000;

beforeAll(async () => {
  // one connection: every query runs in the backend whose statistics the test flushes
  db = await createTestDatabase({ poolSize: 1 });
  services = createServices({ db });
  await services.users.create({
    email: "o@x.example",
    password: "correct horse",
    role: "customer",
  });
  for (const name of ["big.example", "held.example", "small.example"]) {
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
  const insert = (hosting: string, status: string, extra = "") =>
    db.sql.query(
      `INSERT INTO "Message" (id, "hostingId", "envelopeFrom", recipients, subject, size, raw,
                             status, "nextAttemptAt", "expiresAt", "acceptedAt", "sentAt", source)
       SELECT gen_random_uuid(), $1::uuid, 'w@x.example', ARRAY['r@y.example'], 's', 10,
              '\\x00'::bytea, $2::"MessageStatus",
              CASE WHEN $2 = 'queued' THEN now() + interval '1 hour' END,
              now() + interval '72 hours' ${extra}, now() - i * interval '1 ms',
              CASE WHEN $2 = 'sent' THEN now() - interval '1 hour' END, 'smtp'
         FROM generate_series(1, $3::int) i`,
      [hosting, status, ROWS],
    );
  await insert(big, "queued");
  await insert(ids.get("held.example")!, "held");
  await insert(ids.get("small.example")!, "sent");
  await db.sql.query(`VACUUM ANALYZE "Message"`);
  // the state that misled the planner: statistics say big.example has its mail queued, but it
  // is all held now (a block, then the hold job)
  await services.email.request(SYSTEM, "big.example", "block", "test");
  expect(await services.email.runHolds()).toBe(ROWS);
}, 120_000);

afterAll(async () => {
  await db?.dispose();
});

/** Index scans (and index entries read) of `table` by index while `action` runs. */
async function indexScans(
  action: () => Promise<unknown>,
  table = "Message",
): Promise<Record<string, { scans: number; read: number }>> {
  const read = async () => {
    await db.sql.query("SELECT pg_stat_force_next_flush()");
    const rows = await db.sql.query<{ name: string; scans: number; read: number }>(
      `SELECT indexrelname AS name, idx_scan::int AS scans, idx_tup_read::int AS read
         FROM pg_stat_user_indexes WHERE relname = $1`,
      [table],
    );
    return new Map(rows.map((r) => [r.name, r]));
  };
  const before = await read();
  await action();
  const after = await read();
  const used: Record<string, { scans: number; read: number }> = {};
  for (const [name, n] of after) {
    const scans = n.scans - (before.get(name)?.scans ?? 0);
    if (scans > 0) used[name] = { scans, read: n.read - (before.get(name)?.read ?? 0) };
  }
  return used;
}

it("reads a hosting's next held expiry through its own index, never a partial one", async () => {
  const used = await indexScans(() => services.email.status(SYSTEM, "big.example"));
  expect(Object.keys(used)).toContain("Message_hostingId_status_acceptedAt_id_idx");
  expect(used).not.toHaveProperty("Message_due_idx");
  expect(used).not.toHaveProperty("Message_held_expiry_idx");
});

it("counts a hosting's held spam and recent spam through the spam indexes, not its held mail", async () => {
  // 20,000 held messages, none flagged: the polled status reads no entry of them to count spam
  const used = await indexScans(() => services.email.status(SYSTEM, "held.example"));
  expect(used).toHaveProperty("Message_held_spam_idx");
  expect(used).toHaveProperty("Message_spam_idx");
  expect(used.Message_held_spam_idx?.read).toBe(0);
  // the next held expiry reads one entry of (hostingId, status, …); nothing else reads it
  expect(used.Message_hostingId_status_acceptedAt_id_idx?.read ?? 0).toBeLessThanOrEqual(1);
});

it("claims due mail through Message_due_idx", async () => {
  const used = await indexScans(() => services.mail.delivery.claim(10));
  expect(used).toHaveProperty("Message_due_idx");
});

it("expires held mail through Message_held_expiry_idx", async () => {
  const used = await indexScans(() => services.mail.delivery.expireHeld());
  expect(used).toHaveProperty("Message_held_expiry_idx");
});

it("drops old content through Message_content_kept_idx", async () => {
  const used = await indexScans(() => services.mail.delivery.dropOldContent());
  expect(used).toHaveProperty("Message_content_kept_idx");
});

it("deletes purged mail past retention through Message_purged_idx, never the panel's list", async () => {
  const used = await indexScans(() => services.mail.delivery.dropOldContent());
  expect(used).toHaveProperty("Message_purged_idx");
  const listed = await indexScans(() =>
    services.messages.list(SYSTEM, "big.example", { status: "purged", limit: 50 }),
  );
  expect(listed).not.toHaveProperty("Message_purged_idx");
});

it("selects a hosting's mail by status or by script through their (hostingId, …) indexes", async () => {
  const byStatus = await indexScans(() =>
    services.selection.select(SYSTEM, "small.example", {
      action: "count",
      filter: { status: ["held", "queued"] },
    }),
  );
  expect(byStatus).toHaveProperty("Message_hostingId_status_acceptedAt_id_idx");
  const byScript = await indexScans(() =>
    services.selection.select(SYSTEM, "big.example", {
      action: "count",
      filter: { script: "contact.php" },
    }),
  );
  expect(byScript).toHaveProperty("Message_hostingId_script_acceptedAt_idx");
  for (const used of [byStatus, byScript]) {
    expect(used).not.toHaveProperty("Message_held_expiry_idx");
    expect(used).not.toHaveProperty("Message_due_idx");
  }
});

it("groups a hosting's held mail through (hostingId, status, …), never the held-expiry index", async () => {
  for (const by of ["script", "subject", "domain"] as const) {
    const used = await indexScans(() => services.heldGroups.list(SYSTEM, "big.example", { by }));
    expect(used, by).toHaveProperty("Message_hostingId_status_acceptedAt_id_idx");
    expect(used, by).not.toHaveProperty("Message_held_expiry_idx");
  }
});

it("lists a hosting's latest failures by reading only as many index entries as it shows", async () => {
  // a delivery round records its failures with one timestamp: 5,000 share the latest one, so an
  // index that ends at "at" would read them all to order them by id
  await db.sql.query(
    `INSERT INTO "DeliveryEvent" (id, "messageId", "hostingId", recipient, at, outcome,
                                  "smtpCode", text)
     SELECT gen_random_uuid(), (SELECT id FROM "Message" LIMIT 1), $1::uuid, 'r' || i || '@y.example',
            now(), 'failed', 550, 'unknown user'
       FROM generate_series(1, 5000) i`,
    [big],
  );
  await db.sql.query(`ANALYZE "DeliveryEvent"`);
  const used = await indexScans(async () => {
    expect(await services.email.errors(SYSTEM, "big.example", 20)).toHaveLength(20);
  }, "DeliveryEvent");
  expect(used.DeliveryEvent_hostingId_outcome_at_id_idx?.read).toBeLessThanOrEqual(21);
});

it("counts a hosting's recent bounces for its status by reading the events of one minute at most", async () => {
  // the polled status computes the bounce gauge: whole minutes come from OutcomeMinute, so
  // neither the hosting's older events, nor its deferrals, nor the window's own events past its
  // first minute may be read (the largest hosting at 20 M messages delivers 50,000 an hour)
  const small = (
    await db.sql.query<{ id: string }>(
      `SELECT id::text AS id FROM "Hosting" WHERE "serviceName" = 'small.example'`,
    )
  )[0]!.id;
  const events = (outcome: string, count: number, at: string) =>
    db.sql.query(
      `INSERT INTO "DeliveryEvent" (id, "messageId", "hostingId", recipient, at, outcome,
                                    "smtpCode", text)
       SELECT gen_random_uuid(), (SELECT id FROM "Message" LIMIT 1), $1::uuid,
              'r' || i || '@y.example', ${at}, $2::"DeliveryOutcome", 250, 'ok'
         FROM generate_series(1, $3::int) i`,
      [small, outcome, count],
    );
  // many hostings with a few events each, as on a real server: the planner then expects few
  // entries per hosting and, with the old SQL, read all of them, deferrals and old ones included
  await db.sql.query(
    `WITH h AS (
       INSERT INTO "Hosting" (id, "serviceName", "ownerId", "createdAt")
       SELECT gen_random_uuid(), 'other' || g || '.example', "ownerId", now()
         FROM "Hosting", generate_series(1, 500) g WHERE id = $1::uuid
       RETURNING id)
     INSERT INTO "DeliveryEvent" (id, "messageId", "hostingId", recipient, at, outcome, "smtpCode", text)
     SELECT gen_random_uuid(), (SELECT id FROM "Message" LIMIT 1), h.id, 'r@y.example',
            now() - i * interval '1 minute', 'delivered', 250, 'ok'
       FROM h, generate_series(1, 40) i`,
    [small],
  );
  await events("delivered", 5000, "now() - interval '2 hours'");
  await events("deferred", 5000, "now()");
  await events("delivered", 5000, "now() - interval '30 minutes'");
  await events("delivered", 10, "now()");
  await events("failed", 4, "now()");
  // written straight, not by a delivery round: the per-minute outcomes are rebuilt from them
  await recountOutcomes(db.sql);
  await db.sql.query(`ANALYZE "DeliveryEvent"`);
  // the gauge counts from the hosting's creation: make the whole hour count
  await db.sql.query(
    `UPDATE "Hosting" SET "stateChangedAt" = now() - interval '1 day' WHERE id = $1::uuid`,
    [small],
  );
  let bounce: { failed: number; recipients: number } | undefined;
  const used = await indexScans(async () => {
    ({ bounce } = (await services.email.status(SYSTEM, "small.example")).protection);
  }, "DeliveryEvent");
  expect(bounce).toMatchObject({ failed: 4, recipients: 5014 });
  expect(used.DeliveryEvent_hostingId_outcome_at_id_idx?.read).toBeLessThanOrEqual(14);
});
