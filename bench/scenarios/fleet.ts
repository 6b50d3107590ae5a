// 6. Support's fleet view (issue 17): GET /api/hostings sorted by each key over 1h and 24h, and
// GET /api/fleet/summary, at 10,000 hostings (quick: 1,000), every hosting with a row in each of
// the last 26 hours (the worst case for the rollup), a twentieth blocked, 20 queued messages
// for a tenth of them and 5 sent for the others.
import { performance } from "node:perf_hooks";
import { fleetPageParams, fleetPageSql, OLDEST_WAITING_SQL, SYSTEM } from "@scripts-email/domain";
import type { BenchConfig } from "../lib/config.ts";
import { createDatabase, dropDatabase, openMigrated } from "../lib/db.ts";
import { type Figures, percentile } from "../lib/figures.ts";

const SORTS = ["sent", "failed", "spam", "held", "bounceRatio", "stateChangedAt"] as const;
const WINDOWS = ["1h", "24h"] as const;

export async function benchFleet(cfg: BenchConfig, figs: Figures, log: (s: string) => void) {
  const hostings = cfg.quick ? 1_000 : 10_000;
  const calls = cfg.quick ? 5 : 40;
  const name = await createDatabase("bench_fleet");
  const { db, services } = await openMigrated(name);
  try {
    log(`fleet: ${hostings} hostings with 26 hourly rows each`);
    const t0 = performance.now();
    await db.sql.query(
      `INSERT INTO "User" (id, email, "passwordHash")
       SELECT gen_random_uuid(), 'owner' || i || '@fleet.bench', 'x'
         FROM generate_series(1, $1::int / 10) i`,
      [hostings],
    );
    await db.sql.query(
      `INSERT INTO "Hosting" (id, "serviceName", "ownerId", state, "blockCause", "stateChangedAt")
       SELECT gen_random_uuid(), 'site' || i || '.fleet.bench', u.id,
              CASE WHEN i % 20 = 0 THEN 'blocked' ELSE 'active' END::"HostingState",
              CASE WHEN i % 20 = 0 THEN (ARRAY['customer','support','burst','bounce','spam'])[1 + i % 5]
              END::"BlockCause",
              now() - (i || ' minutes')::interval
         FROM generate_series(1, $1::int) i
         JOIN (SELECT id, row_number() OVER (ORDER BY id) AS n FROM "User") u
           ON u.n = 1 + i % ($1::int / 10)`,
      [hostings],
    );
    await db.sql.query(
      `INSERT INTO "StateChange" (id, "hostingId", "from", "to", at, "actorRole")
       SELECT gen_random_uuid(), id, 'active', 'blocked', "stateChangedAt", 'system'
         FROM "Hosting" WHERE state = 'blocked'`,
    );
    await db.sql.query(
      `INSERT INTO "HourlyVolume" ("hostingId", hour, accepted, sent, failed, held, spam, refused,
                                   recipients, "recipientsFailed")
       SELECT h.id, date_trunc('hour', now()) - (k || ' hours')::interval,
              r % 50, r % 47, r % 5, r % 7, r % 3, r % 4, r % 60, r % 6
         FROM "Hosting" h, generate_series(0, 25) k,
              LATERAL (SELECT (hashtext(h.id::text || k) & 1023) AS r) x`,
    );
    // a queue to find the oldest of: 20 queued messages for a tenth of the hostings, 5 sent for
    // the others (rows the oldest-queued probe must skip)
    await db.sql.query(
      `INSERT INTO "Message" (id, "hostingId", "envelopeFrom", recipients, size, status,
                              "nextAttemptAt", "expiresAt", "acceptedAt", source)
       SELECT gen_random_uuid(), h.id, 'www@fleet.bench', ARRAY['a@dest.test'], 1000,
              CASE WHEN n % 10 = 0 THEN 'queued' ELSE 'sent' END::"MessageStatus",
              now(), now() + interval '3 days', now() - (k || ' minutes')::interval, 'smtp'
         FROM (SELECT id, row_number() OVER () AS n FROM "Hosting") h,
              generate_series(1, 20) k
        WHERE n % 10 = 0 OR k <= 5`,
    );
    await db.sql.query(`ANALYZE`);
    figs.add("fleet.load_s", (performance.now() - t0) / 1000, "s", `${hostings} hostings`);

    const time = async (fn: () => Promise<unknown>) => {
      const samples: number[] = [];
      await fn(); // warm-up: plans and the rows' pages
      for (let i = 0; i < calls; i++) {
        const s = performance.now();
        await fn();
        samples.push(performance.now() - s);
      }
      return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
    };
    let worst = 0;
    for (const window of WINDOWS) {
      for (const sort of [undefined, ...SORTS]) {
        const r = await time(() => services.hostings.list(SYSTEM, { sort, window, limit: 50 }));
        const key = `fleet.list.${sort ?? "name"}.${window}`;
        figs.add(`${key}.p50_ms`, r.p50, "ms");
        figs.add(`${key}.p99_ms`, r.p99, "ms", `${calls} calls, page of 50`);
        worst = Math.max(worst, r.p99);
      }
    }
    const filtered = await time(() =>
      services.hostings.list(SYSTEM, { state: "blocked", sort: "sent", window: "24h" }),
    );
    figs.add("fleet.list.blocked_by_sent.24h.p99_ms", filtered.p99, "ms");
    const [owner] = await db.sql.query<{ id: string; email: string }>(
      `SELECT id::text AS id, email FROM "User" LIMIT 1`,
    );
    if (owner) {
      const customer = {
        kind: "user" as const,
        userId: owner.id,
        email: owner.email,
        role: "customer" as const,
        locale: "en" as const,
      };
      const own = await time(() =>
        services.hostings.list(customer, { sort: "sent", window: "24h" }),
      );
      figs.add("fleet.list.customer_by_sent.24h.p99_ms", own.p99, "ms", "a customer's 10 hostings");
    }
    figs.add("fleet.list_p99_worst_ms", worst, "ms", `${hostings} hostings, any sort or window`);
    const summary = await time(() => services.fleet.summary(SYSTEM));
    figs.add("fleet.summary.p50_ms", summary.p50, "ms");
    figs.add("fleet.summary.p99_ms", summary.p99, "ms", `${calls} calls`);

    const since = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 24 * 3_600_000);
    const plan = await db.sql.query<{ "QUERY PLAN": string }>(
      `EXPLAIN (ANALYZE, BUFFERS) ${fleetPageSql("sent")}`,
      fleetPageParams({}, since, 50, 0),
    );
    figs.section(
      `fleet: the list sorted by sent over 24 h at ${hostings} hostings`,
      plan.map((r) => r["QUERY PLAN"]).join("\n"),
    );
    const oldest = await db.sql.query<{ "QUERY PLAN": string }>(
      `EXPLAIN (ANALYZE, BUFFERS) ${OLDEST_WAITING_SQL}`,
    );
    figs.section(
      `fleet: the summary's oldest queued message (${hostings / 10} hostings with a queue)`,
      oldest.map((r) => r["QUERY PLAN"]).join("\n"),
    );
  } finally {
    await db.close();
    await dropDatabase(name);
  }
}
