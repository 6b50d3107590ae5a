// The script's own path: PHP mail() calls, one PHP process after another call and 10 PHP
// processes at once, through (a) our sendmail command into the product, (b) msmtp into the
// product, (c) Postfix's sendmail into a private Postfix; all three relay to the same sink.
// Figures per call: CPU of every process involved (client side from rusage, server side from
// /proc/<pid>/stat before and after), the command's peak memory, calls per second, and the time
// from the first call to the sink counting the last message.
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { buildSendingSettings } from "@scripts-email/domain";
import { freePort } from "@scripts-email/harness/ports";
import type { BenchConfig } from "../lib/config.ts";
import { createDatabase, dropDatabase, openMigrated, provisionSender } from "../lib/db.ts";
import type { Figures } from "../lib/figures.ts";
import { type CommandSample, hasPhp, runPhpMail, sampleCommand } from "../lib/php-mail.ts";
import {
  hasPostfixTools,
  installPostfix,
  type PostfixInstance,
  startPostfix,
  startSink,
} from "../lib/postfix.ts";
import { BackendCpu, loadAverage, REPO, treeCpuSeconds } from "../lib/procs.ts";
import { startServer } from "../lib/server.ts";

const SENDMAIL_BIN = path.join(REPO, "apps/mta/bin/sendmail");
const BUNDLE = path.join(REPO, "apps/mta/dist/sendmail.cjs");
const TO = "reader@bench.invalid";

interface Path {
  key: "ours" | "msmtp" | "postfix";
  what: string;
  sendmailPath: string;
  from: string;
  env: NodeJS.ProcessEnv;
  /** The receiving server's CPU seconds so far (its processes, reaped children included). */
  serverCpu: () => number;
  /** PostgreSQL backends of the product's database, when the product receives. */
  database?: string;
}

interface Row {
  path: string;
  mode: string;
  calls: number;
  clientMs: number;
  serverMs: number;
  callsPerS: number;
  lastDeliveryS: number | undefined;
}

/** `sendmail_path = "…"` as the CLI prints it → the command line. */
function commandOf(line: string): string {
  const m = /^sendmail_path = "(.*)"$/.exec(line);
  if (!m?.[1]) throw new Error(`unexpected sendmail_path line: ${line}`);
  return m[1];
}

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

export async function benchScriptPath(cfg: BenchConfig, figs: Figures, log: (s: string) => void) {
  const { calls, procs, samples } = cfg.script;
  if (!hasPhp()) {
    figs.note("script path skipped: php (with mail()) or python3 is not installed");
    return;
  }
  if (!existsSync(BUNDLE)) {
    figs.note(
      "script path skipped: apps/mta/dist/sendmail.cjs is missing (pnpm install builds it)",
    );
    return;
  }
  const hasMsmtp = existsSync("/usr/bin/msmtp");
  if (!hasMsmtp)
    figs.note("script path: msmtp is not installed (apt-get install msmtp): (b) skipped");
  const postfixWanted = !cfg.quick;
  const hadPostfix = hasPostfixTools();
  const postfixOk = postfixWanted && (cfg.installPostfix ? installPostfix(log) : hadPostfix);
  if (postfixWanted && postfixOk && !hadPostfix) {
    figs.note(
      "script path: Debian's postfix was installed by the bench (apt-get, No configuration)",
    );
  }
  if (!postfixOk) {
    figs.note(
      cfg.quick
        ? "script path: quick mode, Postfix's sendmail (c) left out"
        : "script path: Postfix is not installed and could not be: (c) skipped",
    );
  }
  const sink = await startSink(
    await freePort(),
    path.join(cfg.lab, "script-sink.log"),
    hasPostfixTools(),
  );
  const hardDeadline = cfg.deadline - 5_000;
  const database = await createDatabase("bench_script");
  const rows: Row[] = [];
  const commandRows: string[] = [];
  let pf: PostfixInstance | undefined;
  try {
    const { db, services } = await openMigrated(database);
    const sender = await provisionSender(services, "script.bench.example");
    await db.close();
    const smtpPort = await freePort();
    const server = await startServer({
      lab: cfg.lab,
      name: "server-script",
      database,
      roles: "smtp,worker",
      smtpPort,
      relayPort: sink.port,
    });
    try {
      const settings = buildSendingSettings(sender.serviceName, {
        host: "127.0.0.1",
        port: smtpPort,
        sendmailBin: SENDMAIL_BIN,
      });
      const passwordFile = path.join(cfg.lab, "script-smtp-password");
      writeFileSync(passwordFile, sender.smtpPassword, { mode: 0o600 });
      const base: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
      const serverPid = server.child.pid;
      const from = `www@${sender.serviceName}`;
      const paths: Path[] = [
        {
          key: "ours",
          what: "apps/mta/bin/sendmail → product",
          sendmailPath: commandOf(settings.phpSendmailPath),
          from,
          env: {
            ...base,
            SCRIPTS_EMAIL_HOST: settings.host,
            SCRIPTS_EMAIL_PORT: String(settings.port),
            SCRIPTS_EMAIL_USER: settings.user,
            SCRIPTS_EMAIL_PASSWORD: sender.smtpPassword,
          },
          serverCpu: () => treeCpuSeconds(serverPid),
          database,
        },
      ];
      if (hasMsmtp) {
        paths.push({
          key: "msmtp",
          what: "msmtp → product",
          sendmailPath: commandOf(settings.msmtpSendmailPath).replace(
            settings.passwordFile,
            passwordFile,
          ),
          from,
          env: base,
          serverCpu: () => treeCpuSeconds(serverPid),
          database,
        });
      }
      if (postfixOk) {
        pf = await startPostfix(cfg.lab, await freePort(), sink.port);
        const running = pf;
        paths.push({
          key: "postfix",
          what: "Postfix sendmail → Postfix",
          sendmailPath: `/usr/sbin/sendmail -C ${path.join(cfg.lab, "postfix", "etc")} -t -i`,
          from: "www@bench-lab.invalid",
          env: base,
          serverCpu: () => running.cpuSeconds(),
        });
      }

      const message = (p: Path) => `From: ${p.from}\nTo: ${TO}\nSubject: sample\n\nHello.\n`;
      const empty: number[] = [];
      const scratch = path.join(cfg.lab, "script-time.out");
      for (let i = 0; i < samples; i++)
        empty.push((await sampleCommand("node -e ''", "", base, scratch)).cpuS);
      const emptyMs = 1000 * median(empty);
      figs.add("script.node_empty.cpu_ms", emptyMs, "ms", `median of ${samples} \`node -e ''\``);

      for (const p of paths) {
        // the command alone: its CPU (wait4) and peak memory (GNU time); also warms the path up
        const one: CommandSample[] = [];
        const sampled = sink.count();
        for (let i = 0; i < samples; i++)
          one.push(await sampleCommand(p.sendmailPath, message(p), p.env, scratch));
        const cmdMs = 1000 * median(one.map((s) => s.cpuS));
        const peaks = one.flatMap((s) => (s.peakKb === undefined ? [] : [s.peakKb]));
        const peakMb = peaks.length > 0 ? Math.max(...peaks) / 1024 : undefined;
        const ratio = cmdMs / Math.max(1e-9, emptyMs);
        figs.add(
          `script.${p.key}.command_cpu_ms`,
          cmdMs,
          "ms",
          `median of ${samples}, the command alone (sh included)`,
        );
        if (peakMb !== undefined)
          figs.add(
            `script.${p.key}.command_peak_mb`,
            peakMb,
            "MB",
            `largest of ${samples}, GNU time %M`,
          );
        else
          figs.note(
            `script.${p.key}: no /usr/bin/time (apt-get install time), peak memory not measured`,
          );
        figs.add(`script.${p.key}.command_vs_node_empty`, ratio, "x");
        commandRows.push(
          `${p.what.padEnd(30)} ${cmdMs.toFixed(1).padStart(8)} ${ratio.toFixed(2).padStart(8)} ${(peakMb?.toFixed(1) ?? "–").padStart(8)}`,
        );
        const sent = one.reduce((n, s) => n + s.sent, 0);
        await sink.waitFor(sampled + sent, Math.min(hardDeadline, Date.now() + 60_000));

        for (const [mode, n] of [
          ["serial", 1],
          [`${procs}-procs`, procs],
        ] as const) {
          if (Date.now() > hardDeadline - 60_000) {
            figs.note(`script path: ${p.key} ${mode} not run, the run's time bound is near`);
            continue;
          }
          log(`script path: ${p.what}, ${calls} mail() calls from ${n} PHP process(es)`);
          const before = sink.count();
          const s0 = p.serverCpu();
          const backends = p.database ? new BackendCpu(p.database) : undefined;
          backends?.start();
          const load = loadAverage();
          const t0 = Date.now();
          const run = await runPhpMail({
            procs: n,
            calls,
            sendmailPath: p.sendmailPath,
            from: p.from,
            to: TO,
            env: p.env,
          });
          const delivered = await sink.waitFor(
            before + calls,
            Math.min(hardDeadline, Date.now() + 120_000),
          );
          const lastDeliveryS = delivered ? (Date.now() - t0) / 1000 : undefined;
          const serverS = p.serverCpu() - s0 + (backends?.stop() ?? 0);
          const prefix = `script.${p.key}.${mode}`;
          if (run.failed > 0)
            figs.note(`${prefix}: ${run.failed} PHP process(es) saw mail() fail: ${run.stderr}`);
          const clientMs = (1000 * run.cpuS) / calls;
          const serverMs = (1000 * serverS) / calls;
          figs.add(
            `${prefix}.cpu_client_per_call`,
            clientMs,
            "ms",
            "PHP + sh + the command, rusage",
          );
          figs.add(
            `${prefix}.cpu_server_per_call`,
            serverMs,
            "ms",
            p.database ? "node server + its PostgreSQL backends" : "postfix master + children",
          );
          figs.add(`${prefix}.cpu_per_call`, clientMs + serverMs, "ms");
          figs.add(`${prefix}.calls_per_s`, calls / run.wallS, "calls/s", `load before: ${load}`);
          if (lastDeliveryS === undefined) {
            figs.note(
              `${prefix}: the sink did not count every message in time (${sink.count() - before} of ${calls})`,
            );
          } else {
            figs.add(
              `${prefix}.last_delivery_s`,
              lastDeliveryS,
              "s",
              "first call → sink counted the last",
            );
          }
          rows.push({
            path: p.what,
            mode,
            calls,
            clientMs,
            serverMs,
            callsPerS: calls / run.wallS,
            lastDeliveryS,
          });
        }
      }
    } finally {
      await server.stop();
    }
  } finally {
    await pf?.stop();
    await sink.stop();
    await dropDatabase(database).catch(() => undefined);
  }
  const table = [
    `${"path".padEnd(30)} ${"PHP procs".padEnd(10)} ${"calls".padStart(5)} ${"client ms".padStart(10)} ${"server ms".padStart(10)} ${"total ms".padStart(9)} ${"calls/s".padStart(8)} ${"last s".padStart(7)}`,
    ...rows.map(
      (r) =>
        `${r.path.padEnd(30)} ${r.mode.padEnd(10)} ${String(r.calls).padStart(5)} ${r.clientMs.toFixed(2).padStart(10)} ${r.serverMs.toFixed(2).padStart(10)} ${(r.clientMs + r.serverMs).toFixed(2).padStart(9)} ${r.callsPerS.toFixed(1).padStart(8)} ${(r.lastDeliveryS?.toFixed(1) ?? "–").padStart(7)}`,
    ),
    "",
    `${"the command alone".padEnd(30)} ${"CPU ms".padStart(8)} ${"×empty".padStart(8)} ${"peak MB".padStart(8)}`,
    `${"node -e ''".padEnd(30)} ${figs.get("script.node_empty.cpu_ms")?.toFixed(1).padStart(8) ?? ""}`,
    ...commandRows,
  ].join("\n");
  log(`script path:\n${table}`);
  figs.section(
    "Script path: PHP mail() through each sendmail command (CPU per call, rate, last delivery)",
    `client ms = user+system of PHP, the sh it starts and the command (rusage of the waited-for tree) per call; server ms = the receiver's processes (/proc/<pid>/stat before and after; the product's PostgreSQL backends included) per call; last s = first call → the sink counted the last message. The command alone: median CPU of ${cfg.script.samples} runs under wait4 (the sh PHP would start included), peak = largest GNU time %M of as many runs.\n\n${table}`,
  );
}
