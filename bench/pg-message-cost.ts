// PostgreSQL's CPU per message on the relay path, without SMTP: the real ingest, claim and record
// statements (the domain services) on a fresh database, each step's backend CPU read from /proc
// and its WAL from the LSN (exact on a private cluster only: BENCH_DATABASE_URL names one).
// A quieter complement to `pnpm bench --only relay`: alternate variants, compare CPU per message.
//   pnpm exec tsx bench/pg-message-cost.ts [--messages 4000] [--rounds 2] [--ingest-batch 10]
//     [--body 1024] [--variants base,NAME]   with PG_COST_VARIANTS='{"NAME":["ALTER …"]}'
//   PG_COST_DEBUG=1 also prints each prepared statement's generic and custom plan counts.
import { createServices } from "@scripts-email/domain";
import {
  createDatabase,
  dropDatabase,
  openMigrated,
  provisionSender,
  urlOf,
  withClient,
} from "./lib/db.ts";
import { BackendCpu } from "./lib/procs.ts";
import { messageText } from "./lib/smtp-load.ts";

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? dflt) : dflt;
};
const N = Number(arg("--messages", "4000"));
const ROUNDS = Number(arg("--rounds", "2"));
const INGEST_BATCH = Number(arg("--ingest-batch", "10"));
const BODY = Number(arg("--body", "1024"));
const CLAIM = 100;
const RECORD_GROUP = 10;

/** Schema changes tried on top of the migrations. */
const VARIANTS: Record<string, string[]> = {
  base: [],
  ...JSON.parse(process.env.PG_COST_VARIANTS ?? "{}"),
};
const variants = arg("--variants", "base").split(",");

async function runOnce(variant: string) {
  const name = await createDatabase("pgcost");
  const { db } = await openMigrated(name);
  // the relay bench's server runs with the burst rule off (AUTO_BLOCK_BURST_PER_MINUTE=0)
  const services = createServices({ db, mail: { burst: { limit: 0, windowMs: 60_000 } } });
  try {
    await withClient(urlOf(name), async (c) => {
      for (const sql of VARIANTS[variant] ?? []) await c.query(sql);
    });
    const { serviceName } = await provisionSender(services);
    const hostingId = await withClient(urlOf(name), async (c) => {
      const r = await c.query<{ id: string }>(
        `SELECT id::text AS id FROM "Hosting" WHERE "serviceName" = $1`,
        [serviceName],
      );
      return r.rows[0]!.id;
    });
    const ingest = services.mail.ingest;
    const delivery = services.mail.delivery;
    // WAL is the cluster's: exact on a private cluster, noisy on a shared one
    const lsn = () =>
      withClient(urlOf(name), async (c) => {
        const r = await c.query<{ b: string }>(
          "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::text AS b",
        );
        return Number(r.rows[0]!.b);
      });
    const wal: Record<string, number> = {};
    const measure = async (fn: () => Promise<void>, key?: string) => {
      const w0 = await lsn();
      const cpu = new BackendCpu(name);
      cpu.start(100);
      await fn();
      const s = cpu.stop();
      if (key) wal[key] = (wal[key] ?? 0) + (await lsn()) - w0;
      return s;
    };
    let i = 0;
    const ingestAll = async (n: number) => {
      for (let done = 0; done < n; done += INGEST_BATCH) {
        await Promise.all(
          Array.from({ length: Math.min(INGEST_BATCH, n - done) }, () =>
            ingest.accept({
              hostingId,
              envelopeFrom: "site@relay.bench.example",
              recipients: ["rcpt@sink.example"],
              raw: Buffer.from(
                messageText(i++, BODY, "site@relay.bench.example", "rcpt@sink.example"),
              ),
              source: "smtp",
            }),
          ),
        );
      }
    };
    // every claim first, then every result: one measured window each (a tick is 10 ms a backend)
    const deliverAll = async () => {
      const jobs: Awaited<ReturnType<typeof delivery.claim>> = [];
      const claimS = await measure(async () => {
        for (;;) {
          const got = await delivery.claim(CLAIM);
          if (got.length === 0) break;
          jobs.push(...got);
        }
      }, "claim");
      const recordS = await measure(async () => {
        for (let k = 0; k < jobs.length; k += RECORD_GROUP) {
          await delivery.complete(
            jobs.slice(k, k + RECORD_GROUP).map((job) => ({
              job,
              recipients: job.recipients.map((r) => ({
                recipient: r,
                outcome: "delivered" as const,
                code: 250,
                text: "2.0.0 Ok",
              })),
            })),
          );
        }
      }, "record");
      if (process.env.PG_COST_DEBUG) console.log("claimed", jobs.length);
      return { claimS, recordS };
    };
    // warm-up: caches, plans
    await ingestAll(200);
    await deliverAll();
    for (const k of Object.keys(wal)) delete wal[k];
    const ingestS = await measure(() => ingestAll(N), "ingest");
    await ingest.settled();
    const { claimS, recordS } = await deliverAll();
    if (process.env.PG_COST_DEBUG) {
      const mem = await db.sql.query<{ name: string; n: number; kb: number }>(
        `SELECT name, count(*)::int AS n, (sum(total_bytes) / 1024)::int AS kb
           FROM pg_backend_memory_contexts WHERE name LIKE 'Cached%' GROUP BY name`,
      );
      console.log("plan memory of one connection", mem);
      const seen = new Set<string>();
      for (let k = 0; k < 12; k++) {
        const r = await db.sql.query<{ name: string; g: number; c: number; q: string }>(
          `SELECT name, generic_plans AS g, custom_plans AS c, left(regexp_replace(statement, '\\s+', ' ', 'g'), 60) AS q FROM pg_prepared_statements`,
        );
        for (const x of r) {
          const line = `${x.name} g=${x.g} c=${x.c} ${x.q}`;
          if (!seen.has(line)) console.log(line);
          seen.add(line);
        }
      }
    }
    const ms = (s: number) => ((1000 * s) / N).toFixed(3);
    return {
      ingest: ms(ingestS),
      claim: ms(claimS),
      record: ms(recordS),
      total: ms(ingestS + claimS + recordS),
      walB: Object.fromEntries(Object.entries(wal).map(([k, b]) => [k, Math.round(b / N)])),
    };
  } finally {
    await db.close();
    await dropDatabase(name);
  }
}

const rows: unknown[] = [];
for (let r = 0; r < ROUNDS; r++) {
  for (const v of variants) {
    const res = await runOnce(v);
    const row = {
      round: String(r + 1),
      variant: v,
      ...res,
      load: (await import("node:os")).loadavg()[0]!.toFixed(2),
    };
    rows.push(row);
    console.log(JSON.stringify(row));
  }
}
process.exit(0);
