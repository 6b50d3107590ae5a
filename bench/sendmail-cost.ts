/**
 * What one PHP mail() costs in the sendmail command, beside an empty `node -e ''` in the same run:
 * median CPU (user + system) and peak memory per call, from each process's own rusage (wait4,
 * through a few lines of python3: /usr/bin/time rounds to 10 ms, a sixth of the budget), calls
 * one after another into the real ingest server (a fresh test database, loopback).
 *
 *   tsx bench/sendmail-cost.ts [--calls 30] [--tsx 5]
 *
 * `--tsx N` also runs N calls through the old path (the TypeScript entry under tsx), for reference.
 * Target (issue 16): CPU at most 1.5× `node -e ''`, peak memory at most 60 MB.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createIngestFixture } from "@scripts-email/harness/smtp-fixtures";

const root = path.resolve(import.meta.dirname, "..");
const BIN = path.join(root, "apps/mta/bin/sendmail");
const BUNDLE = path.join(root, "apps/mta/dist/sendmail.cjs");
/** Runs argv and writes the child's rusage (never its own) to $RUSAGE_OUT, to the microsecond. */
const WAIT4 = [
  "import os, subprocess, sys",
  "child = subprocess.Popen(sys.argv[1:])",
  "_, status, usage = os.wait4(child.pid, 0)",
  'open(os.environ["RUSAGE_OUT"], "w").write(f"{usage.ru_utime} {usage.ru_stime} {usage.ru_maxrss}")',
  "sys.exit(os.waitstatus_to_exitcode(status))",
].join("\n");

interface Sample {
  cpuSeconds: number;
  peakKb: number;
}

/** Runs one command under WAIT4 (its figures go to a file, not mixed with stderr). */
function measure(command: string[], input: string, env: NodeJS.ProcessEnv, out: string) {
  return new Promise<Sample>((resolve, reject) => {
    const child = spawn("python3", ["-c", WAIT4, ...command], { env: { ...env, RUSAGE_OUT: out } });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.stdout.resume();
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`${command.join(" ")} exited ${code}: ${stderr}`));
      const [user, system, peak] = readFileSync(out, "utf8").trim().split(/\s+/).map(Number);
      resolve({ cpuSeconds: user! + system!, peakKb: peak! });
    });
    child.stdin.end(input);
  });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

async function main() {
  const { values } = parseArgs({
    options: { calls: { type: "string", default: "30" }, tsx: { type: "string", default: "0" } },
  });
  const calls = Math.min(Math.max(Number(values.calls) || 30, 1), 500);
  const tsxCalls = Math.min(Math.max(Number(values.tsx) || 0, 0), 50);
  if (!existsSync(BUNDLE)) {
    throw new Error(
      "apps/mta/dist/sendmail.cjs is missing: pnpm --filter @scripts-email/mta build:sendmail",
    );
  }

  const fx = await createIngestFixture();
  const work = mkdtempSync(path.join(tmpdir(), "se-sendmail-cost-"));
  try {
    const site = await fx.addHosting("cost.example");
    const { port } = await fx.startServer();
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const key of Object.keys(env)) if (key.startsWith("SCRIPTS_EMAIL_")) delete env[key];
    Object.assign(env, {
      SCRIPTS_EMAIL_HOST: "127.0.0.1",
      SCRIPTS_EMAIL_PORT: String(port),
      SCRIPTS_EMAIL_USER: site.serviceName,
      SCRIPTS_EMAIL_PASSWORD: site.password,
    });
    const out = path.join(work, "time");
    const message = (i: number) => `To: reader@example.org\nSubject: cost ${i}\n\nHello ${i}.\n`;
    const tsxEntry = [
      path.join(root, "node_modules/.bin/tsx"),
      "--tsconfig",
      path.join(root, "tsconfig.json"),
      path.join(root, "apps/mta/src/cli/sendmail.ts"),
      "-t",
    ];
    const empty: Sample[] = [];
    const bundle: Sample[] = [];
    const direct: Sample[] = [];
    const viaTsx: Sample[] = [];
    // Interleaved, so that both see the same machine load.
    for (let i = 0; i < calls; i++) {
      empty.push(await measure(["node", "-e", ""], "", env, out));
      bundle.push(await measure([BIN, "-t", "-i"], message(i), env, out));
      direct.push(await measure(["node", BUNDLE, "-t", "-i"], message(i), env, out));
    }
    for (let i = 0; i < tsxCalls; i++) viaTsx.push(await measure(tsxEntry, message(i), env, out));
    const stored = await fx.db.prisma.message.count({ where: { hostingId: site.id } });
    const sent = 2 * calls + tsxCalls;
    if (stored !== sent) throw new Error(`stored ${stored} of ${sent} messages`);

    const row = (name: string, samples: Sample[]) => {
      const cpu = median(samples.map((s) => s.cpuSeconds)) * 1000;
      const peak = Math.max(...samples.map((s) => s.peakKb)) / 1024;
      const ratio = cpu / (median(empty.map((s) => s.cpuSeconds)) * 1000);
      return `${name.padEnd(28)} ${String(samples.length).padStart(5)} ${cpu.toFixed(0).padStart(10)} ${ratio.toFixed(2).padStart(7)} ${peak.toFixed(1).padStart(10)}`;
    };
    console.log(`${"command".padEnd(28)} calls  CPU ms/call   ×empty  peak MB`);
    console.log(row("node -e ''", empty));
    console.log(row("apps/mta/bin/sendmail -t -i", bundle));
    console.log(row("node dist/sendmail.cjs -t -i", direct));
    if (viaTsx.length > 0) console.log(row("tsx src/cli/sendmail.ts -t", viaTsx));
    console.log("targets: sendmail at most 1.50× node -e '' in CPU and at most 60 MB peak");
  } finally {
    rmSync(work, { recursive: true, force: true });
    await fx.close();
  }
}

await main();
