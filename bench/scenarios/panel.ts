// 3. The panel at scale: a bulk-loaded world, the hosting page's calls under concurrent load
//    (autocannon, bearer token), block/unblock/purge of big queues, delivery of a released queue.
import path from "node:path";
import { bounceCountsSql } from "@scripts-email/domain";
import { freePort } from "@scripts-email/harness/ports";
import autocannon from "autocannon";
import { loadWorld, type World } from "../lib/bulk-load.ts";
import { type BenchConfig, bigAt, type PanelStep } from "../lib/config.ts";
import {
  BENCH_PASSWORD,
  createDatabase,
  dropDatabase,
  openMigrated,
  urlOf,
  withClient,
} from "../lib/db.ts";
import { type Figures, format } from "../lib/figures.ts";
import { hasPostfixTools, startSink } from "../lib/postfix.ts";
import { loadAverage, sleep } from "../lib/procs.ts";
import { latestProfile, summarizeProfile } from "../lib/profile.ts";
import { startServer } from "../lib/server.ts";

const SUPPORT = "support@bench.example";
const CUSTOMER = "owner@bench.example";

async function token(base: string, email: string): Promise<string> {
  const login = await fetch(`${base}/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: BENCH_PASSWORD }),
  });
  if (!login.ok) throw new Error(`login ${email}: ${login.status} ${await login.text()}`);
  const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const created = await fetch(`${base}/api/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie, "x-csrf-token": csrfToken },
    body: JSON.stringify({ name: "bench" }),
  });
  if (!created.ok) throw new Error(`token ${email}: ${created.status} ${await created.text()}`);
  return ((await created.json()) as { token: string }).token;
}

/** POST …/email/requests; returns the answer's time and status. */
async function act(base: string, bearer: string, serviceName: string, action: string) {
  const t = performance.now();
  const r = await fetch(`${base}/api/hostings/${serviceName}/email/requests`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${bearer}` },
    body: JSON.stringify({ action }),
  });
  const body = await r.text();
  return { ms: performance.now() - t, status: r.status, body };
}

const CALLS: Array<[string, (s: string) => string]> = [
  ["status", (s) => `/api/hostings/${s}/email`],
  ["held", (s) => `/api/hostings/${s}/email/messages?status=held`],
  ["errors", (s) => `/api/hostings/${s}/email/errors`],
  ["volumes", (s) => `/api/hostings/${s}/email/volumes?days=30`],
  ["history", (s) => `/api/hostings/${s}/email/history`],
];

/** The hostings each call is measured on: a spread of ordinary ones, the largest, the big held. */
const TARGET_NAMES = ["typical", "largest", "big_held"] as const;

/** Waits (≤ 30 s) until no query of this database is running. */
async function settle(database: string): Promise<void> {
  await withClient(urlOf(database), async (c) => {
    for (let i = 0; i < 300; i++) {
      const r = await c.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()`,
      );
      if ((r.rows[0]?.n ?? 0) === 0) return;
      await sleep(100);
    }
  });
}

/** The page calls at one size of the world; figures `panel.<size>.<call>.<target>.*`. */
async function pageLoad(
  figs: Figures,
  label: string,
  database: string,
  base: string,
  bearer: string,
  world: World,
  seconds: number,
  connections: number,
): Promise<number> {
  const targets: Array<[(typeof TARGET_NAMES)[number], string[]]> = [
    ["typical", world.sample],
    ["largest", [world.largest]],
    ["big_held", [world.held]],
  ];
  // autocannon notices the end of its duration only at a sample (1 s by default): a shorter
  // duration needs samples as short, or each call lasts a whole second
  const sampleInt = Math.min(1_000, seconds * 1_000);
  // warm-up, not measured: the API's code paths compiled and the pages' rows cached once, as
  // on a panel that has been serving for a while (the first call measured paid for all of it)
  await autocannon({
    url: base,
    connections,
    duration: Math.min(3, 3 * seconds),
    sampleInt,
    headers: { authorization: `Bearer ${bearer}` },
    requests: CALLS.flatMap(([, url]) => targets.flatMap(([, hs]) => hs.map((h) => url(h)))).map(
      (path) => ({ method: "GET" as const, path }),
    ),
  });
  await settle(database);
  let worst = 0;
  let worstTypical = 0;
  for (const [call, url] of CALLS) {
    for (const [target, hostings] of targets) {
      const r = await autocannon({
        url: base,
        connections,
        duration: seconds,
        sampleInt,
        headers: { authorization: `Bearer ${bearer}` },
        requests: hostings.map((h) => ({ method: "GET" as const, path: url(h) })),
      });
      // queries still running for requests autocannon gave up on must not slow the next call
      await settle(database);
      const name = `panel.${label}.${call}.${target}`;
      figs.add(`${name}.p50_ms`, r.latency.p50, "ms");
      figs.add(
        `${name}.p99_ms`,
        r.latency.p99,
        "ms",
        `${connections} connections, ${r.requests.total} requests, load ${loadAverage()}`,
      );
      figs.add(`${name}.req_per_s`, r.requests.total / r.duration, "req/s");
      if (r.non2xx > 0 || r.errors > 0)
        figs.note(`${name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
      worst = Math.max(worst, r.latency.p99);
      if (target === "typical") worstTypical = Math.max(worstTypical, r.latency.p99);
    }
  }
  figs.add(
    `panel.${label}.page_p99_worst_ms`,
    worst,
    "ms",
    "highest p99 of any call on any target",
  );
  figs.add(
    `panel.${label}.page_p99_worst_typical_ms`,
    worstTypical,
    "ms",
    "highest p99 of any call, ordinary hostings",
  );
  return worst;
}

/** Markdown: one row per call and hosting, one column per size (p50 / p99), to see growth. */
export function growthTable(figs: Figures, steps: PanelStep[]): string {
  const cell = (v: number | undefined) => (v === undefined ? "–" : format(v));
  const lines = [
    `| call (hosting) | ${steps.map((s) => `${s.label} p50 / p99 ms`).join(" | ")} |`,
    `|---|${steps.map(() => "---:").join("|")}|`,
    `| *world* | ${steps
      .map(
        (s) => `${cell(figs.get(`panel.${s.label}.loaded_messages`))} msgs, ${s.hostings} hostings`,
      )
      .join(" | ")} |`,
  ];
  for (const [call] of CALLS) {
    for (const target of TARGET_NAMES) {
      const cells = steps.map((s) => {
        const name = `panel.${s.label}.${call}.${target}`;
        return `${cell(figs.get(`${name}.p50_ms`))} / ${cell(figs.get(`${name}.p99_ms`))}`;
      });
      lines.push(`| ${call} (${target}) | ${cells.join(" | ")} |`);
    }
  }
  lines.push(
    `| *load time of the step* | ${steps.map((s) => `${cell(figs.get(`panel.${s.label}.load_time`))} s`).join(" | ")} |`,
  );
  return lines.join("\n");
}

async function explain(database: string, world: World): Promise<string> {
  return withClient(urlOf(database), async (c) => {
    const out: string[] = [];
    const ids = await c.query<{ serviceName: string; id: string }>(
      `SELECT "serviceName", id::text FROM "Hosting" WHERE "serviceName" = ANY($1)`,
      [[world.held, world.largest]],
    );
    for (const h of ids.rows) {
      const q: Array<[string, string, boolean]> = [
        [
          "status: held and queued (kept by triggers, as panelCounters)",
          `SELECT held, queued FROM "QueueCount" WHERE "hostingId" = $1`,
          true,
        ],
        [
          "status: next held expiry (oldest held, as nextHeldExpiry)",
          `SELECT "expiresAt" FROM "Message" WHERE "hostingId" = $1 AND status = 'held' ORDER BY "acceptedAt", id LIMIT 1`,
          true,
        ],
        [
          "status: bounce gauge of the last hour (bounceCountsSql: whole minutes from OutcomeMinute, the first minute's events)",
          `SELECT b.* FROM "Hosting" h
             CROSS JOIN LATERAL (${bounceCountsSql("now() - interval '1 hour'")}) b
            WHERE h.id = $1`,
          true,
        ],
        [
          "status: totals",
          `SELECT sum(sent), sum(errors) FROM "DailyVolume" WHERE "hostingId" = $1`,
          true,
        ],
        [
          "messages?status=held (all columns, as Prisma's findMany)",
          `SELECT * FROM "Message" WHERE "hostingId" = $1 AND status = 'held' ORDER BY "acceptedAt" DESC, id DESC LIMIT 51`,
          true,
        ],
        [
          "errors",
          `SELECT * FROM "DeliveryEvent" WHERE "hostingId" = $1 AND outcome = 'failed' ORDER BY at DESC, id DESC LIMIT 20`,
          true,
        ],
        [
          "block: holdQueued (plan only)",
          `UPDATE "Message" SET status = 'held' WHERE "hostingId" = $1 AND status = 'queued'`,
          false,
        ],
      ];
      for (const [what, sql, analyze] of q) {
        const r = await c.query<{ "QUERY PLAN": string }>(
          `EXPLAIN (${analyze ? "ANALYZE, BUFFERS, " : ""}COSTS OFF) ${sql}`,
          [h.id],
        );
        out.push(`-- ${h.serviceName}: ${what}`);
        out.push(...r.rows.map((x) => x["QUERY PLAN"]));
        out.push("");
      }
    }
    const claim = await c.query<{ "QUERY PLAN": string }>(
      `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
       SELECT m.id FROM "Message" m
        WHERE m.status IN ('queued', 'sending') AND m."nextAttemptAt" <= now()
          AND EXISTS (SELECT 1 FROM "Hosting" h WHERE h.id = m."hostingId" AND h.state = 'active')
        ORDER BY m."nextAttemptAt" LIMIT 100`,
    );
    out.push("-- delivery claim (select part, no lock)");
    out.push(...claim.rows.map((x) => x["QUERY PLAN"]));
    return out.join("\n");
  });
}

export async function benchPanel(cfg: BenchConfig, figs: Figures, log: (s: string) => void) {
  const size = cfg.panel;
  const last = size.steps[size.steps.length - 1]!;
  const big = bigAt(last, size.big);
  const database = await createDatabase("bench_panel");
  try {
    const { db, services } = await openMigrated(database);
    await services.users.create({ email: SUPPORT, password: BENCH_PASSWORD, role: "support" });
    await services.users.create({ email: CUSTOMER, password: BENCH_PASSWORD, role: "customer" });
    await db.close();
    const owner = await withClient(urlOf(database), async (c) => {
      const r = await c.query<{ id: string; passwordHash: string }>(
        `SELECT id::text, "passwordHash" FROM "User" WHERE email = $1`,
        [CUSTOMER],
      );
      return r.rows[0]!;
    });
    const httpPort = await freePort();
    const base = `http://127.0.0.1:${httpPort}`;
    const profileDir = cfg.profile ? path.join(cfg.lab, "profile-panel") : undefined;
    // one API for every size, started on the empty world: a panel that keeps serving as the
    // world grows under it (each step's VACUUM ANALYZE and rebuilt indexes make it plan again)
    const api = await startServer({
      lab: cfg.lab,
      name: "server-panel",
      database,
      roles: "api",
      httpPort,
      profileDir,
    });
    try {
      const support = await token(base, SUPPORT);
      const customer = await token(base, CUSTOMER);
      let worst = 0;
      let grown: World | undefined;
      // The world grows step by step (1 M → 5 M → 20 M): each step adds only what it lacks, then
      // the page calls are measured on it; the actions (block, purge…) run once, on the largest.
      for (const step of size.steps) {
        const stepBig = bigAt(step, size.big);
        log(
          `panel ${step.label}: growing to ${step.hostings} hostings, ${step.messages} messages (big queues of ${stepBig})`,
        );
        const world = await withClient(urlOf(database), (c) =>
          loadWorld(c, { ...step, big: stepBig }, owner.id, owner.passwordHash, log),
        );
        grown = world;
        figs.add(`panel.${step.label}.loaded_messages`, world.messages, "msgs");
        figs.add(
          `panel.${step.label}.load_time`,
          world.seconds,
          "s",
          `${step.hostings} hostings; bulk load by SQL of what the step adds, indexes rebuilt, VACUUM ANALYZE`,
        );
        log(
          `panel ${step.label}: page calls, ${size.connections} connections × ${size.seconds} s each`,
        );
        const stepWorst = await pageLoad(
          figs,
          step.label,
          database,
          base,
          support,
          world,
          size.seconds,
          size.connections,
        );
        worst = Math.max(worst, stepWorst);
      }
      figs.add(
        "panel.page_p99_worst_ms",
        worst,
        "ms",
        `highest p99 of any call on any target, at any size (${size.steps.map((s) => s.label).join(", ")})`,
      );
      figs.section(
        "How the panel's cost grows with the world (p50 / p99 of each call, same load at each size)",
        growthTable(figs, size.steps),
        { markdown: true },
      );
      const world = grown;
      if (!world) throw new Error("panel: no size measured");
      figs.section(
        `Query plans at scale, ${last.label} (EXPLAIN ANALYZE, equivalent SQL of the repositories)`,
        await explain(database, world),
      );
      log("panel: block / unblock / purge");
      const record = (
        name: string,
        r: { ms: number; status: number; body: string },
        note?: string,
      ) => {
        figs.add(name, r.ms, "ms", `HTTP ${r.status}${note ? `; ${note}` : ""}`);
        if (r.status >= 300) figs.note(`${name}: HTTP ${r.status} ${r.body.slice(0, 300)}`);
      };
      record(
        "panel.unblock_big_held_ms",
        await act(base, customer, world.held, "unblock"),
        `${big} held`,
      );
      record(
        "panel.block_big_held_ms",
        await act(base, customer, world.held, "block"),
        `${big} held, none queued`,
      );
      const block = await act(base, customer, world.queued, "block");
      record("panel.block_big_queued_ms", block, `${big} queued`);
      if (block.status >= 300) {
        // the world still needs a blocked hosting with the big queue held for the purge
        await withClient(urlOf(database), async (c) => {
          await c.query(
            `UPDATE "Hosting" SET state = 'blocked', "blockedByRole" = 'customer', "stateChangedAt" = now() WHERE "serviceName" = $1`,
            [world.queued],
          );
          await c.query(
            `UPDATE "Message" SET status = 'held' WHERE "hostingId" = (SELECT id FROM "Hosting" WHERE "serviceName" = $1) AND status = 'queued'`,
            [world.queued],
          );
        });
        figs.note(
          "the block of the big queued hosting failed; it was blocked by SQL to measure the purge",
        );
      }
      // the hold, purge and release jobs, timed in-process: the code the scheduler role runs
      // every 5 s (the block only flips the state; the hold job marks the queued mail held)
      const { db: jobDb, services: jobs } = await openMigrated(database);
      try {
        const th = performance.now();
        const holds = await jobs.email.runHolds();
        figs.add(
          "panel.hold_job_s",
          (performance.now() - th) / 1000,
          "s",
          `runHolds(): ${holds} queued messages of blocked hostings marked held`,
        );
        record(
          "panel.purge_request_ms",
          await act(base, customer, world.queued, "purge"),
          `${big} held`,
        );
        const t = performance.now();
        const purged = await jobs.email.runPurges();
        figs.add(
          "panel.purge_job_s",
          (performance.now() - t) / 1000,
          "s",
          `runPurges(): ${purged} held messages deleted, hosting back to active`,
        );
        // unblock the big held hosting; the release job makes its mail due; a worker delivers it
        record(
          "panel.unblock_before_delivery_ms",
          await act(base, customer, world.held, "unblock"),
          `${big} held, after the purge`,
        );
        const t2 = performance.now();
        const released = await jobs.email.runReleases();
        figs.add(
          "panel.release_job_s",
          (performance.now() - t2) / 1000,
          "s",
          `runReleases(): ${released} held messages made due`,
        );
      } finally {
        await jobDb.close();
      }
    } finally {
      await api.stop();
    }
    if (profileDir) {
      const file = latestProfile(profileDir);
      if (file)
        figs.section(
          "CPU profile: API server during the page calls and actions",
          summarizeProfile(file),
        );
    }
    if (size.deliverySeconds > 0) {
      const sink = await startSink(
        await freePort(),
        path.join(cfg.lab, "sink-panel.log"),
        hasPostfixTools(),
      );
      try {
        log(`panel: delivering the released queue for up to ${size.deliverySeconds} s`);
        const worker = await startServer({
          lab: cfg.lab,
          name: "server-deliver",
          database,
          roles: "worker",
          relayPort: sink.port,
        });
        const t = Date.now();
        const until = Math.min(cfg.deadline - 30_000, t + size.deliverySeconds * 1000);
        await sink.waitFor(big, until);
        const seconds = (Date.now() - t) / 1000;
        const delivered = sink.count();
        await worker.stop();
        figs.add(
          "panel.delivered",
          delivered,
          "msgs",
          `in ${seconds.toFixed(0)} s, load ${loadAverage()}`,
        );
        figs.add(
          "panel.delivery_rate",
          delivered / seconds,
          "msgs/s",
          "one worker process with its default settings",
        );
        figs.add(
          "panel.delivery_of_big_queue_s",
          delivered >= big ? seconds : (big * seconds) / Math.max(1, delivered),
          "s",
          delivered >= big ? "measured" : `projected from the rate over ${seconds.toFixed(0)} s`,
        );
      } finally {
        await sink.stop();
      }
    } else {
      figs.note("panel: delivery of the unblocked big queue skipped (quick mode)");
    }
  } finally {
    await sleep(200);
    await dropDatabase(database).catch(() => undefined);
  }
}
