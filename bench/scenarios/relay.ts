// 1. End-to-end relay (client → SMTP ingest → PostgreSQL → worker → smtp-sink) for Scripts-email
//    and for a private Postfix, same sink, same load; 2. ingest only (no worker running).
import path from "node:path";
import { freePort } from "@scripts-email/harness/ports";
import type { BenchConfig } from "../lib/config.ts";
import { createDatabase, dropDatabase, openMigrated, provisionSender } from "../lib/db.ts";
import type { Figures } from "../lib/figures.ts";
import {
  hasPostfixTools,
  installPostfix,
  runSmtpSource,
  type Sink,
  startPostfix,
  startSink,
} from "../lib/postfix.ts";
import { BackendCpu, busyPct, loadAverage, machineTicks, treeCpuSeconds } from "../lib/procs.ts";
import { latestProfile, summarizeProfile } from "../lib/profile.ts";
import { startServer } from "../lib/server.ts";
import { measureSessionMemory } from "../lib/session-memory.ts";
import { type LoadResult, runLoad, summarize } from "../lib/smtp-load.ts";

interface Drive {
  accepted: number;
  startedAt: number;
  lastAcceptAt: number;
  load?: LoadResult;
}

interface Measured {
  drive: Drive;
  /** First connection → sink counted the last message; undefined when not waited for. */
  e2eS?: number;
  delivered: boolean;
  cpu: Record<string, number>;
  busyPct: number;
  load: string;
}

async function measure(o: {
  sink: Sink;
  waitSink: boolean;
  deadline: number;
  /** The whole run's bound: waiting for the sink never goes past it. */
  hardDeadline: number;
  cpu: Record<string, () => number>;
  backendsOf?: string;
  drive: () => Promise<Drive>;
}): Promise<Measured> {
  const base = o.sink.count();
  const m0 = machineTicks();
  const c0 = Object.fromEntries(Object.entries(o.cpu).map(([k, f]) => [k, f()]));
  const backends = o.backendsOf ? new BackendCpu(o.backendsOf) : undefined;
  backends?.start();
  const load = loadAverage();
  const drive = await o.drive();
  let e2eS: number | undefined;
  let delivered = true;
  if (o.waitSink) {
    // a load cut by its time bound still gets its accepted mail delivered and timed
    const sinkDeadline = Math.min(o.hardDeadline, Math.max(o.deadline, Date.now() + 90_000));
    delivered = await o.sink.waitFor(base + drive.accepted, sinkDeadline);
    e2eS = (Date.now() - drive.startedAt) / 1000;
  }
  const cpu: Record<string, number> = {};
  for (const [k, f] of Object.entries(o.cpu)) cpu[k] = f() - (c0[k] ?? 0);
  if (backends) cpu.postgres = backends.stop();
  return { drive, e2eS, delivered, cpu, busyPct: busyPct(m0, machineTicks()), load };
}

function fromLoad(load: LoadResult): Drive {
  return {
    accepted: load.accepted,
    startedAt: load.startedAt,
    lastAcceptAt: load.lastAcceptAt,
    load,
  };
}

function report(figs: Figures, prefix: string, m: Measured, what: string): void {
  const n = m.drive.accepted;
  const acceptS = Math.max(1e-9, (m.drive.lastAcceptAt - m.drive.startedAt) / 1000);
  figs.add(`${prefix}.accepted`, n, "msgs");
  figs.add(`${prefix}.accept_rate`, n / acceptS, "msgs/s");
  if (m.e2eS !== undefined) {
    figs.add(
      `${prefix}.e2e_rate`,
      m.delivered ? n / m.e2eS : 0,
      "msgs/s",
      m.delivered ? undefined : "sink did not get every message in time",
    );
    figs.add(`${prefix}.drain_after_accept`, m.e2eS - acceptS, "s");
  }
  let total = 0;
  for (const [k, s] of Object.entries(m.cpu)) {
    figs.add(`${prefix}.cpu_${k}_per_msg`, (1000 * s) / Math.max(1, n), "ms");
    total += s;
  }
  figs.add(`${prefix}.cpu_per_msg`, (1000 * total) / Math.max(1, n), "ms", what);
  if (m.drive.load) {
    const s = summarize(m.drive.load);
    figs.add(`${prefix}.txn_p50`, s.p50, "ms");
    figs.add(`${prefix}.txn_p99`, s.p99, "ms");
    figs.add(
      `${prefix}.client_cpu_per_msg`,
      (1000 * m.drive.load.clientCpuS) / Math.max(1, n),
      "ms",
    );
    if (m.drive.load.refused + m.drive.load.dropped > 0) {
      figs.note(
        `${prefix}: ${m.drive.load.refused} refused, ${m.drive.load.dropped} dropped: ${m.drive.load.errors.join(" | ")}`,
      );
    }
    if (m.drive.load.partial)
      figs.note(`${prefix}: partial run, ${n} messages within the time bound`);
  }
  figs.add(`${prefix}.machine_busy`, m.busyPct, "%", `load average before: ${m.load}`);
}

export async function benchRelay(cfg: BenchConfig, figs: Figures, log: (s: string) => void) {
  const { messages: n, sessions, bodyBytes, warmup, phaseMs } = cfg.relay;
  const postfixOk = cfg.installPostfix ? installPostfix(log) : hasPostfixTools();
  if (!postfixOk) {
    figs.note(
      "Postfix comparison skipped: /usr/sbin/smtp-source is absent (apt-get install postfix); a Node sink stands in for smtp-sink",
    );
  }
  const sink = await startSink(await freePort(), path.join(cfg.lab, "sink.log"), postfixOk);
  const hardDeadline = cfg.deadline - 5_000;
  const phaseDeadline = () => Math.min(hardDeadline, Date.now() + phaseMs);
  /** One measured load of the Node client against `port`; `cpu` reads the server's processes. */
  const measureLoad = async (
    prefix: string,
    what: string,
    o: {
      port: number;
      cpu: Record<string, () => number>;
      /** Wait for the sink to count the load (end to end), or not (ingest only). */
      waitSink: boolean;
      sink?: Sink;
      backendsOf?: string;
      auth?: { user: string; pass: string };
      reuse?: boolean;
      messages?: number;
    },
  ) => {
    const deadline = phaseDeadline();
    const m = await measure({
      sink: o.sink ?? sink,
      waitSink: o.waitSink,
      hardDeadline,
      deadline,
      cpu: o.cpu,
      ...(o.backendsOf ? { backendsOf: o.backendsOf } : {}),
      drive: async () =>
        fromLoad(
          await runLoad({
            port: o.port,
            messages: o.messages ?? n,
            sessions,
            bodyBytes,
            auth: o.auth,
            reuse: o.reuse ?? false,
            deadline,
          }),
        ),
    });
    report(figs, prefix, m, what);
  };
  const database = await createDatabase("bench_relay");
  try {
    const { db, services } = await openMigrated(database);
    const sender = await provisionSender(services);
    await db.close();
    const auth = { user: sender.serviceName, pass: sender.smtpPassword };

    // ---- 1. end-to-end, all roles in one process ----
    const smtpPort = await freePort();
    const profileDir = cfg.profile ? path.join(cfg.lab, "profile-relay") : undefined;
    let server = await startServer({
      lab: cfg.lab,
      name: "server-relay",
      database,
      roles: "api,smtp,worker,scheduler",
      smtpPort,
      httpPort: await freePort(),
      relayPort: sink.port,
      profileDir,
    });
    try {
      const w = await runLoad({
        port: smtpPort,
        messages: warmup,
        sessions,
        bodyBytes,
        auth,
        deadline: phaseDeadline(),
      });
      await sink.waitFor(sink.count() + w.accepted, phaseDeadline());
      log(
        `relay: Scripts-email end to end, ${n} messages, ${sessions} sessions, AUTH + a connection per message`,
      );
      const pid = server.child.pid;
      const e2e = {
        port: smtpPort,
        cpu: { node: () => treeCpuSeconds(pid) },
        waitSink: true,
        backendsOf: database,
        auth,
      };
      await measureLoad("se", "node server + its PostgreSQL backends", e2e);
      log(`relay: Scripts-email end to end, sessions reused (AUTH once per session)`);
      await measureLoad("se_reuse", "node server + its PostgreSQL backends", {
        ...e2e,
        reuse: true,
      });
    } finally {
      await server.stop();
    }
    if (profileDir) {
      const file = latestProfile(profileDir);
      if (file) {
        figs.section(
          "CPU profile: Scripts-email server (all roles) during the end-to-end run",
          `node --cpu-prof of the server process over its whole life (start-up, warm-up, run).\n\n${summarizeProfile(file)}`,
        );
      }
    }

    // ---- 2. ingest only: no worker, mail stays queued ----
    for (const reuse of [false, true]) {
      const port = await freePort();
      server = await startServer({
        lab: cfg.lab,
        name: `server-ingest-${reuse ? "reuse" : "conn"}`,
        database,
        roles: "smtp",
        smtpPort: port,
      });
      try {
        await runLoad({
          port,
          messages: warmup,
          sessions,
          bodyBytes,
          auth,
          reuse,
          deadline: phaseDeadline(),
        });
        const pid = server.child.pid;
        log(
          `relay: Scripts-email ingest only, ${reuse ? "sessions reused (AUTH once per session)" : "AUTH + a connection per message"}`,
        );
        await measureLoad(
          `ingest.${reuse ? "reuse" : "conn"}`,
          "node server + its PostgreSQL backends",
          {
            port,
            cpu: { node: () => treeCpuSeconds(pid) },
            waitSink: false,
            backendsOf: database,
            auth,
            reuse,
            messages: reuse ? n : Math.min(n, 5_000),
          },
        );
        if (!reuse) {
          log("relay: Scripts-email ingest memory, idle sessions and messages in flight");
          const mem = await measureSessionMemory({
            hostings: cfg.quick ? 1 : 8,
            perLogin: cfg.quick ? 20 : 50,
            partialBytes: bodyBytes,
          });
          const how = `heap and external memory of the SMTP ingest alone in a process, after full collections, with ${mem.sessions} sessions open, minus before, per session`;
          figs.add(
            "ingest.memory_per_idle_session",
            mem.idleBytes / 1024,
            "kB",
            `${how}; logged in, idle`,
          );
          figs.add(
            "ingest.memory_per_message_in_flight",
            mem.inFlightBytes / 1024,
            "kB",
            `${how}; each inside DATA with ${mem.partialBytes} bytes of body, on top of idle`,
          );
        }
      } finally {
        await server.stop();
      }
    }

    // ---- 3. the ceiling: a Node SMTP server that only answers (no AUTH, no storage), same
    //    client, a connection per message: what no Node front end on this machine can beat ----
    const ceiling = await startSink(await freePort(), path.join(cfg.lab, "ceiling.log"), false);
    try {
      const pid = ceiling.child.pid;
      const port = ceiling.port;
      await runLoad({ port, messages: warmup, sessions, bodyBytes, deadline: phaseDeadline() });
      log("relay: ceiling, a Node SMTP server that answers and discards, a connection per message");
      await measureLoad("ceiling.conn", "bench/lib/node-sink.ts: answers, stores nothing", {
        port,
        cpu: { node: () => treeCpuSeconds(pid) },
        waitSink: false,
        sink: ceiling,
      });
    } finally {
      await ceiling.stop();
    }
  } finally {
    await dropDatabase(database).catch(() => undefined);
  }

  // ---- Postfix: same sink, same client; then smtp-source like the anchor ----
  if (postfixOk) {
    const pf = await startPostfix(cfg.lab, await freePort(), sink.port);
    try {
      const before = sink.count();
      const w = await runLoad({
        port: pf.port,
        messages: warmup,
        sessions,
        bodyBytes,
        deadline: phaseDeadline(),
      });
      await sink.waitFor(before + w.accepted, phaseDeadline());
      log(
        `relay: Postfix end to end, ${n} messages, ${sessions} sessions, same Node client (no AUTH), a connection per message`,
      );
      const postfix = { port: pf.port, cpu: { postfix: () => pf.cpuSeconds() }, waitSink: true };
      await measureLoad("pf", "postfix master + children", postfix);
      log("relay: Postfix end to end, same Node client, sessions reused");
      await measureLoad("pf_reuse", "postfix master + children", { ...postfix, reuse: true });
      log("relay: Postfix end to end with smtp-source (the anchor's client)");
      const deadline = phaseDeadline();
      const ms = await measure({
        sink,
        waitSink: true,
        hardDeadline,
        deadline,
        cpu: { postfix: () => pf.cpuSeconds() },
        drive: async () => {
          const r = await runSmtpSource(
            pf.port,
            n,
            sessions,
            bodyBytes,
            deadline - Date.now(),
            path.join(cfg.lab, "smtp-source.log"),
          );
          return {
            accepted: r.code === 0 ? n : 0,
            startedAt: r.startedAt,
            lastAcceptAt: r.endedAt,
          };
        },
      });
      if (ms.drive.accepted === 0)
        figs.note("smtp-source failed or timed out (see smtp-source.log)");
      report(figs, "pf_source", ms, "postfix master + children");
      if (!pf.queueEmpty()) figs.note("Postfix's queue was not empty after the runs");
    } finally {
      await pf.stop();
    }
    const ratio = (name: string, a: string, b: string, note?: string) => {
      const x = figs.get(a);
      const y = figs.get(b);
      if (x !== undefined && y) figs.add(name, x / y, "x", note);
    };
    ratio(
      "ratio.e2e_rate_vs_postfix_reuse",
      "se_reuse.e2e_rate",
      "pf_reuse.e2e_rate",
      "same Node client, sessions reused",
    );
    ratio(
      "ratio.cpu_per_msg_vs_postfix_reuse",
      "se_reuse.cpu_per_msg",
      "pf_reuse.cpu_per_msg",
      "same Node client, sessions reused",
    );
    const same = "same Node load client for both";
    ratio("ratio.e2e_rate_vs_postfix", "se.e2e_rate", "pf.e2e_rate", same);
    ratio(
      "ratio.e2e_rate_vs_postfix_smtp_source",
      "se.e2e_rate",
      "pf_source.e2e_rate",
      "Postfix fed by smtp-source",
    );
    ratio("ratio.cpu_per_msg_vs_postfix", "se.cpu_per_msg", "pf.cpu_per_msg", same);
    ratio("ratio.cpu_per_msg_vs_postfix_smtp_source", "se.cpu_per_msg", "pf_source.cpu_per_msg");
    ratio(
      "ratio.ceiling_vs_postfix",
      "ceiling.conn.accept_rate",
      "pf.e2e_rate",
      "a Node SMTP server that only answers, against Postfix end to end: the most a Node front end reaches here",
    );
  }
  figs.add("relay.sink_total", sink.count(), "msgs", sink.kind);
  await sink.stop();
}
