// Loads a panel-sized world straight into the tables (not through the API): N hostings whose
// message counts follow a Zipf law (most small, a few large), plus two big hostings — one with
// a big queue of due mail (for block and purge), one blocked with as much held mail (for
// unblock and delivery) — with delivery events, daily volumes and state history consistent
// enough for the panel's pages. The world grows: called again with a larger size on the same
// database, it adds hostings and only the messages each hosting lacks (its state is kept in the
// table bench_world), so that the panel can be measured at 1 M, 5 M and 20 M without reloading.
import type pg from "pg";

export interface World {
  /** Hosting with `big` queued messages, active, owned by the bench customer. */
  queued: string;
  /** Hosting with `big` held messages, blocked by its owner. */
  held: string;
  /** The largest of the ordinary hostings. */
  largest: string;
  /** A spread of ordinary hostings, for the "typical" load. */
  sample: string[];
  messages: number;
  seconds: number;
}

export interface WorldSize {
  hostings: number;
  messages: number;
  big: number;
}

const name = (rank: number) => `site${rank}.load.bench.example`;

/**
 * `ownerId` owns the two big hostings; other hostings get owners of their own (5 each), sharing
 * `passwordHash`. Secondary indexes are dropped during the load and rebuilt after it, and the
 * queue counts (kept by triggers, off during the load) rebuilt from the messages. On a database
 * already loaded, grows the world to `size` (more hostings, more messages; never fewer).
 */
export async function loadWorld(
  c: pg.Client,
  size: WorldSize,
  ownerId: string,
  passwordHash: string,
  log: (s: string) => void,
): Promise<World> {
  const t0 = Date.now();
  const step = async (what: string, sql: string, params: unknown[] = []) => {
    const t = Date.now();
    const r = await c.query(sql, params);
    log(`load: ${what} ${r.rowCount ?? ""} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    return r;
  };
  await c.query("SET session_replication_role = replica"); // no FK triggers during the load
  await c.query("SET synchronous_commit = off");
  await c.query("SET maintenance_work_mem = '512MB'");
  await c.query("SET work_mem = '256MB'");
  await c.query("SET max_parallel_maintenance_workers = 2");

  // one row per hosting: its rank, its target message count (n) and what is already loaded
  await c.query(
    `CREATE TABLE IF NOT EXISTS bench_world (
       rank int PRIMARY KEY, id uuid NOT NULL, name text NOT NULL, blocked boolean NOT NULL,
       n int NOT NULL DEFAULT 0, loaded int NOT NULL DEFAULT 0)`,
  );
  const before = await c.query<{ n: number }>(
    "SELECT coalesce(max(rank), 0)::int AS n FROM bench_world",
  );
  const had = before.rows[0]?.n ?? 0;
  const hostings = Math.max(had, size.hostings);
  const ownersOf = (h: number) => Math.max(0, Math.ceil((h - 2) / 5));
  const rest = size.messages - 2 * size.big;
  await step(
    "hostings",
    `INSERT INTO bench_world (rank, id, name, blocked)
     SELECT g, gen_random_uuid(), 'site' || g || '.load.bench.example', (g > 2 AND g % 50 = 7)
       FROM generate_series($1::int + 1, $2::int) g`,
    [had, hostings],
  );
  // Zipf(1.1) over the ordinary hostings: rank 3 is the largest
  await c.query(
    `WITH w AS (SELECT rank, 1 / power(rank - 2, 1.1) AS w FROM bench_world WHERE rank > 2),
          s AS (SELECT sum(w) AS total FROM w)
     UPDATE bench_world b SET n = greatest(b.loaded, 1, round($1::bigint * w.w / s.total))::int
       FROM w, s WHERE b.rank = w.rank`,
    [rest],
  );
  await c.query("UPDATE bench_world SET n = greatest(loaded, $1::int) WHERE rank <= 2", [size.big]);
  await step(
    "owners",
    `INSERT INTO "User" (id, email, "passwordHash", role, locale, "createdAt")
     SELECT gen_random_uuid(), 'owner' || g || '@load.bench.example', $3, 'customer', 'en', now()
       FROM generate_series($1::int + 1, $2::int) g`,
    [ownersOf(had), ownersOf(hostings), passwordHash],
  );
  await step(
    "hosting rows",
    `INSERT INTO "Hosting" (id, "serviceName", "ownerId", state, "blockedByRole", "stateReason",
                            "stateChangedAt", "maxPerDay", "createdAt")
     SELECT bh.id, bh.name,
            CASE WHEN bh.rank <= 2 THEN $1::uuid ELSE u.id END,
            (CASE WHEN bh.rank = 2 OR bh.blocked THEN 'blocked' ELSE 'active' END)::"HostingState",
            (CASE WHEN bh.rank = 2 OR bh.blocked THEN 'customer' END)::"ActorRole",
            CASE WHEN bh.rank = 2 OR bh.blocked THEN 'bench: blocked by its owner' END,
            now() - interval '3 days', CASE WHEN bh.rank <= 2 THEN 100000000 ELSE 1000 END,
            now() - interval '400 days'
       FROM bench_world bh
       LEFT JOIN "User" u ON u.email = 'owner' || ((bh.rank - 3) / 5 + 1) || '@load.bench.example'
      WHERE bh.rank > $2::int`,
    [ownerId, had],
  );
  await step(
    "state history",
    `INSERT INTO "StateChange" (id, "hostingId", "from", "to", at, "actorId", "actorRole", reason)
     SELECT gen_random_uuid(), h.id, 'active', 'blocked', now() - interval '3 days', h."ownerId", 'customer',
            'bench: blocked by its owner'
       FROM "Hosting" h JOIN bench_world b ON b.id = h.id
      WHERE h.state = 'blocked' AND b.rank > $1::int`,
    [had],
  );

  const indexes = await c.query<{ indexname: string; indexdef: string }>(
    `SELECT i.indexname, i.indexdef FROM pg_indexes i
      WHERE i.schemaname = 'public' AND i.tablename IN ('Message', 'DeliveryEvent', 'DailyVolume')
        AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conname = i.indexname)`,
  );
  for (const i of indexes.rows) await c.query(`DROP INDEX "${i.indexname}"`);

  const raw = Buffer.alloc(1024, "The quick brown fox jumps over the lazy dog.\r\n");
  const id = `(lpad(to_hex((extract(epoch FROM acc) * 1000)::bigint), 12, '0') || '7'
               || substr(md5(hid::text || g), 1, 3) || '8' || substr(md5(hid::text || g), 4, 15))::uuid`;
  const columns = `(id, "hostingId", "envelopeFrom", recipients, delivered, failed, subject,
                    "messageIdHeader", size, raw, status, attempts, "nextAttemptAt", "expiresAt",
                    "acceptedAt", "sentAt", "updatedAt", source)`;
  // the new messages' delivery events, their per-minute outcomes of the last two days (what the
  // bounce gauge reads; the events' failures have no kind: bounces) and daily volumes, written by
  // the same statement (a grown world adds to the volumes of the days it already has)
  const derived = `
     ev AS (
       INSERT INTO "DeliveryEvent" (id, "messageId", "hostingId", recipient, at, outcome, "smtpCode", text)
       SELECT gen_random_uuid(), id, "hostingId", recipients[1], coalesce("sentAt", "acceptedAt" + interval '1 minute'),
              (CASE status WHEN 'failed' THEN 'failed' WHEN 'queued' THEN 'deferred' ELSE 'delivered' END)::"DeliveryOutcome",
              CASE status WHEN 'failed' THEN 550 WHEN 'queued' THEN 451 ELSE 250 END,
              CASE status WHEN 'failed' THEN '550 5.1.1 <' || recipients[1] || '>: Recipient address rejected: User unknown'
                          WHEN 'queued' THEN '451 4.7.1 Greylisted, try again later'
                          ELSE '250 2.0.0 Ok: queued as ' || substr(md5(id::text), 1, 10) END
         FROM ins
        WHERE (status IN ('failed', 'queued') AND attempts > 0)
           OR (status = 'sent' AND "sentAt" > now() - interval '7 days')
       RETURNING "hostingId", at, outcome),
     om AS (
       INSERT INTO "OutcomeMinute" ("hostingId", minute, delivered, bounced)
       SELECT "hostingId", date_trunc('minute', at, 'UTC'),
              count(*) FILTER (WHERE outcome = 'delivered'), count(*) FILTER (WHERE outcome = 'failed')
         FROM ev
        WHERE outcome IN ('delivered', 'failed') AND at >= now() - interval '48 hours'
        GROUP BY 1, 2
       ON CONFLICT ("hostingId", minute) DO UPDATE SET
         delivered = "OutcomeMinute".delivered + excluded.delivered,
         bounced = "OutcomeMinute".bounced + excluded.bounced)
     INSERT INTO "DailyVolume" ("hostingId", day, accepted, sent, errors, held, expired, purged)
     SELECT "hostingId", ("acceptedAt" AT TIME ZONE 'UTC')::date, count(*),
            count(*) FILTER (WHERE status = 'sent'), count(*) FILTER (WHERE status = 'failed'),
            count(*) FILTER (WHERE status = 'held'), count(*) FILTER (WHERE status = 'expired'), 0
       FROM ins GROUP BY 1, 2
     ON CONFLICT ("hostingId", day) DO UPDATE SET
       accepted = "DailyVolume".accepted + excluded.accepted, sent = "DailyVolume".sent + excluded.sent,
       errors = "DailyVolume".errors + excluded.errors, held = "DailyVolume".held + excluded.held,
       expired = "DailyVolume".expired + excluded.expired`;
  const returning = `RETURNING id, "hostingId", recipients, status, attempts, "sentAt", "acceptedAt"`;
  await step(
    "messages of ordinary hostings (days of volumes)",
    `WITH src AS (
       SELECT h.id AS hid, h.name, h.blocked, g,
              now() - (random() ^ 2) * interval '60 days' AS acc, random() AS u
         FROM bench_world h CROSS JOIN LATERAL generate_series(h.loaded + 1, h.n) g
        WHERE h.rank > 2 AND h.n > h.loaded),
     s AS (
       SELECT *, CASE WHEN blocked AND acc > now() - interval '3 days' THEN 'held'
                      WHEN u < 0.94 THEN 'sent' WHEN u < 0.97 THEN 'failed'
                      WHEN u < 0.985 THEN 'queued' ELSE 'expired' END AS st,
                 ARRAY['user' || (g % 97) || '@example.com'] AS rcpt
         FROM src),
     ins AS (
       INSERT INTO "Message" ${columns}
       SELECT ${id}, hid, 'www-data@' || name, rcpt,
              CASE WHEN st = 'sent' THEN rcpt ELSE '{}' END,
              CASE WHEN st = 'failed' THEN rcpt ELSE '{}' END,
              'Order confirmation #' || g, '<' || g || '.' || hid || '@' || name || '>', 1100,
              CASE WHEN st IN ('held', 'queued') OR (st = 'sent' AND acc > now() - interval '7 days')
                   THEN $1::bytea END,
              st::"MessageStatus", CASE WHEN st IN ('sent', 'failed', 'queued') THEN 1 ELSE 0 END,
              CASE WHEN st = 'queued' THEN now() + (1 + u * 5) * interval '1 hour' END,
              acc + interval '72 hours', acc,
              CASE WHEN st IN ('sent', 'failed') THEN acc + interval '2 seconds' END,
              acc + interval '2 seconds',
              (CASE WHEN g % 10 = 0 THEN 'sendmail' ELSE 'smtp' END)::"MessageSource"
         FROM s
       ${returning}),
     ${derived}`,
    [raw],
  );
  await step(
    "messages of the two big hostings (days of volumes)",
    `WITH src AS (
       SELECT h.id AS hid, h.name, h.rank, g,
              now() - random() * CASE WHEN h.rank = 1 THEN interval '1 hour' ELSE interval '48 hours' END AS acc
         FROM bench_world h CROSS JOIN LATERAL generate_series(h.loaded + 1, h.n) g
        WHERE h.rank <= 2 AND h.n > h.loaded),
     ins AS (
       INSERT INTO "Message" ${columns}
       SELECT ${id}, hid, 'www-data@' || name, ARRAY['user' || (g % 97) || '@example.com'], '{}', '{}',
              'Newsletter #' || g, '<' || g || '.' || hid || '@' || name || '>', 1100, $1::bytea,
              (CASE WHEN rank = 1 THEN 'queued' ELSE 'held' END)::"MessageStatus", 0,
              CASE WHEN rank = 1 THEN acc END, acc + interval '72 hours', acc, NULL, acc, 'smtp'
         FROM src
       ${returning}),
     ${derived}`,
    [raw],
  );
  await c.query("UPDATE bench_world SET loaded = n WHERE loaded <> n");
  for (const i of indexes.rows) await step(`index ${i.indexname}`, i.indexdef);
  await c.query("SET session_replication_role = origin");
  // the load ran with triggers off: the kept queue counts are rebuilt from the messages
  await step("queue counts", `SELECT "recount_queue"()`);
  await step(
    "vacuum analyze",
    `VACUUM ANALYZE "Message", "DeliveryEvent", "DailyVolume", "Hosting", "User", "StateChange", "QueueCount", "OutcomeMinute"`,
  );

  const total = await c.query<{ n: string }>(`SELECT count(*) AS n FROM "Message"`);
  const sample = await c.query<{ name: string }>(
    `SELECT name FROM bench_world WHERE rank > 2 ORDER BY md5(rank::text) LIMIT 20`,
  );
  return {
    queued: name(1),
    held: name(2),
    largest: name(3),
    sample: sample.rows.map((r) => r.name),
    messages: Number(total.rows[0]?.n ?? 0),
    seconds: (Date.now() - t0) / 1000,
  };
}
