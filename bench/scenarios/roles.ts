// 5. Roles as separate processes on the one PostgreSQL: the ingest rate (SMTP, AUTH and a
//    connection per message, durable 250) with 1 and 2 `ROLES=smtp` processes, each on its own
//    port (the server binds one address and port, no SO_REUSEPORT: the load is split between the
//    ports), and the delivery rate (queued → sink) with 1 and 2 `ROLES=worker` processes.
import os from "node:os";
import path from "node:path";
import { freePort } from "@scripts-email/harness/ports";
import type { BenchConfig } from "../lib/config.ts";
import {
  createDatabase,
  dropDatabase,
  openMigrated,
  provisionSender,
  urlOf,
  withClient,
} from "../lib/db.ts";
import { type Figures, format } from "../lib/figures.ts";
import { hasPostfixTools, startSink } from "../lib/postfix.ts";
import { BackendCpu, busyPct, loadAverage, machineTicks, treeCpuSeconds } from "../lib/procs.ts";
import { type RunningServer, startServer } from "../lib/server.ts";
import { runLoad } from "../lib/smtp-load.ts";

export const PROCESS_COUNTS = [1, 2] as const;

interface Cost {
  cpuS: number;
  busyPct: number;
}

/** CPU of the processes (their trees) and of the database's backends, and the machine's share. */
async function costOf<T>(
  servers: RunningServer[],
  database: string,
  run: () => Promise<T>,
): Promise<[T, Cost]> {
  const pids = servers.map((s) => s.child.pid);
  const cpu = () => pids.reduce((sum, pid) => sum + treeCpuSeconds(pid), 0);
  const backends = new BackendCpu(database);
  const m0 = machineTicks();
  const c0 = cpu();
  backends.start();
  const result = await run();
  const cpuS = cpu() - c0 + backends.stop();
  return [result, { cpuS, busyPct: busyPct(m0, machineTicks()) }];
}

async function startMany(
  count: number,
  make: (i: number) => Promise<RunningServer>,
): Promise<RunningServer[]> {
  const servers: RunningServer[] = [];
  try {
    for (let i = 0; i < count; i++) servers.push(await make(i));
  } catch (error) {
    for (const s of servers) await s.stop();
    throw error;
  }
  return servers;
}

export async function benchRoles(cfg: BenchConfig, figs: Figures, log: (s: string) => void) {
  const { messages, sessions, bodyBytes } = cfg.roles;
  const hardDeadline = cfg.deadline - 5_000;
  const phaseDeadline = () => Math.min(hardDeadline, Date.now() + cfg.relay.phaseMs);
  const database = await createDatabase("bench_roles");
  // one data folder for every process, as on one machine (spooled message data)
  const dataDir = path.join(cfg.lab, "roles-data");
  const sink = await startSink(
    await freePort(),
    path.join(cfg.lab, "sink-roles.log"),
    hasPostfixTools(),
  );
  const rows = { ingest: [] as string[], delivery: [] as string[] };
  try {
    const { db, services } = await openMigrated(database);
    const sender = await provisionSender(services);
    await db.close();
    const auth = { user: sender.serviceName, pass: sender.smtpPassword };

    for (const n of PROCESS_COUNTS) {
      // ---- ingest: n SMTP processes, no worker (the mail stays queued for the delivery) ----
      const ports = await Promise.all(PROCESS_COUNTS.slice(0, n).map(() => freePort()));
      const smtp = await startMany(n, (i) =>
        startServer({
          lab: cfg.lab,
          name: `server-roles-smtp${n}-${i}`,
          database,
          roles: "smtp",
          smtpPort: ports[i]!,
          env: { DATA_DIR: dataDir },
        }),
      );
      let queued = 0;
      try {
        // warm-up of each process (compiled paths, login cache), not measured
        for (const port of ports) {
          const w = await runLoad({
            port,
            messages: Math.max(sessions, 20),
            sessions: Math.max(1, Math.floor(sessions / n)),
            bodyBytes,
            auth,
            deadline: phaseDeadline(),
          });
          queued += w.accepted;
        }
        log(`roles: ingest, ${n} SMTP process(es), ${messages} messages, ${sessions} sessions`);
        const deadline = phaseDeadline();
        const load = loadAverage();
        const [loads, cost] = await costOf(smtp, database, () =>
          Promise.all(
            ports.map((port, i) =>
              runLoad({
                port,
                // the sessions and the messages spread evenly over the processes' ports
                messages: Math.floor(messages / n) + (i < messages % n ? 1 : 0),
                sessions: Math.max(1, Math.floor(sessions / n)),
                bodyBytes,
                auth,
                deadline,
              }),
            ),
          ),
        );
        const accepted = loads.reduce((s, l) => s + l.accepted, 0);
        queued += accepted;
        const seconds =
          (Math.max(...loads.map((l) => l.lastAcceptAt)) -
            Math.min(...loads.map((l) => l.startedAt))) /
          1000;
        const p = `roles.ingest.smtp${n}`;
        const rate = figs.add(
          `${p}.rate`,
          accepted / Math.max(1e-9, seconds),
          "msgs/s",
          `${accepted} accepted (durable 250), AUTH + a connection per message, load before ${load}`,
        );
        const cpu = figs.add(
          `${p}.cpu_per_msg`,
          (1000 * cost.cpuS) / Math.max(1, accepted),
          "ms",
          "SMTP processes + their PostgreSQL backends",
        );
        figs.add(`${p}.machine_busy`, cost.busyPct, "%");
        rows.ingest.push(
          `| ingest | ${n} × \`ROLES=smtp\` | ${accepted} | ${format(rate)} | ${format(cpu)} | ${format(cost.busyPct)} % |`,
        );
        for (const l of loads) {
          if (l.refused + l.dropped > 0)
            figs.note(`${p}: ${l.refused} refused, ${l.dropped} dropped: ${l.errors.join(" | ")}`);
          if (l.partial)
            figs.note(`${p}: partial run, ${l.accepted} messages within the time bound`);
        }
      } finally {
        for (const s of smtp) await s.stop();
      }

      // ---- delivery: n worker processes drain what the ingest queued ----
      // the backlog is held back while the workers start, then made due at once: the clock starts
      // when every worker is running
      await withClient(urlOf(database), (c) =>
        c.query(
          `UPDATE "Message" SET "nextAttemptAt" = now() + interval '1 day' WHERE status = 'queued'`,
        ),
      );
      const workers = await startMany(n, (i) =>
        startServer({
          lab: cfg.lab,
          name: `server-roles-worker${n}-${i}`,
          database,
          roles: "worker",
          relayPort: sink.port,
          env: { DATA_DIR: dataDir },
        }),
      );
      try {
        log(`roles: delivery, ${n} worker process(es), ${queued} queued messages`);
        const base = sink.count();
        const load = loadAverage();
        const [done, cost] = await costOf(workers, database, async () => {
          const t = Date.now();
          await withClient(urlOf(database), (c) =>
            c.query(`UPDATE "Message" SET "nextAttemptAt" = now() WHERE status = 'queued'`),
          );
          const all = await sink.waitFor(
            base + queued,
            Math.max(phaseDeadline(), Math.min(hardDeadline, Date.now() + 90_000)),
          );
          return { all, seconds: (Date.now() - t) / 1000 };
        });
        const delivered = sink.count() - base;
        const p = `roles.delivery.worker${n}`;
        const rate = figs.add(
          `${p}.rate`,
          delivered / Math.max(1e-9, done.seconds),
          "msgs/s",
          `${delivered} of ${queued} relayed to the ${sink.kind}, load before ${load}`,
        );
        const cpu = figs.add(
          `${p}.cpu_per_msg`,
          (1000 * cost.cpuS) / Math.max(1, delivered),
          "ms",
          "worker processes + their PostgreSQL backends",
        );
        figs.add(`${p}.machine_busy`, cost.busyPct, "%");
        rows.delivery.push(
          `| delivery | ${n} × \`ROLES=worker\` | ${delivered} | ${format(rate)} | ${format(cpu)} | ${format(cost.busyPct)} % |`,
        );
        if (!done.all) figs.note(`${p}: the sink got ${delivered} of ${queued} messages in time`);
      } finally {
        for (const w of workers) await w.stop();
      }
    }
    const scale = (what: string, a: string, b: string) => {
      const x = figs.get(a);
      const y = figs.get(b);
      if (x !== undefined && y) figs.add(what, x / y, "x", "2 processes against 1, same load");
    };
    scale("roles.ingest.scale_2_vs_1", "roles.ingest.smtp2.rate", "roles.ingest.smtp1.rate");
    scale(
      "roles.delivery.scale_2_vs_1",
      "roles.delivery.worker2.rate",
      "roles.delivery.worker1.rate",
    );
    figs.section(
      "Roles as separate processes (one PostgreSQL, same machine)",
      [
        `${messages} messages of ${bodyBytes} B, ${sessions} sessions, AUTH and a connection per message; the delivery drains what the ingest before it queued. The machine has ${os.availableParallelism()} cores shared by the load client, the processes, PostgreSQL and the sink: the curve from 1 to 2 processes is bounded by those cores, not by the roles (look at the machine's busy share).`,
        "",
        "| role | processes | messages | msgs/s | CPU ms per message | machine busy (every process on it) |",
        "|---|---|---:|---:|---:|---:|",
        ...rows.ingest,
        ...rows.delivery,
      ].join("\n"),
      { markdown: true },
    );
  } finally {
    await sink.stop();
    await dropDatabase(database).catch(() => undefined);
  }
}
