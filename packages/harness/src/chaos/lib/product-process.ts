import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { checkNotAborted, type ScenarioContext } from "./harness.ts";

/** The workspace root, where `--import tsx` and the server entry are resolved from. */
const ROOT = path.resolve(import.meta.dirname, "../../../../..");
const ENTRY = "apps/server/src/main.ts";
const KEEP_LINES = 400;

/** pino's number for the `error` level (`fatal` is 60). */
const PINO_ERROR = 50;

/** A line of the product's JSON log; anything else (Node's own warnings) is neither. */
function logRecord(line: string): { msg: string; level: number } {
  try {
    const record = JSON.parse(line) as { msg?: unknown; level?: unknown };
    return {
      msg: typeof record.msg === "string" ? record.msg : "",
      level: typeof record.level === "number" ? record.level : 0,
    };
  } catch {
    return { msg: "", level: 0 };
  }
}

/** Every product process's whole output is kept here for the post-mortem (one file each). */
export const LOG_DIR = path.join(tmpdir(), "scripts-email-chaos", `run-${process.pid}`);
let processes = 0;

export interface ProductOptions {
  databaseUrl: string;
  smtpPort: number;
  /** The API port: unused with the default roles, but the process wants one. */
  httpPort: number;
  relayUrl: string;
  /** Default `smtp,worker,scheduler`. */
  roles?: string;
  /** SMTP_MAX_SIZE_MB; default the product's own (10). */
  maxSizeMb?: number;
  /** More settings for the product's environment (e.g. SMTP limits). */
  env?: Record<string, string>;
  startTimeoutMs?: number;
}

export interface ProductProcess {
  pid: number;
  child: ChildProcess;
  /** Resolves with the exit code, or the signal that ended it. */
  exited: Promise<number | NodeJS.Signals | null>;
  alive(): boolean;
  /** Delivery rounds the worker logged. */
  rounds(): number;
  /** Times the worker retried recording a round's results (the database was away). */
  recordRetries(): number;
  /** Log lines at ERROR level so far. */
  errors(): string[];
  /** The last lines of its output, for failure messages. */
  tail(lines?: number): string;
  /** The file holding all of its output. */
  logFile: string;
  kill(signal?: NodeJS.Signals): Promise<number | NodeJS.Signals | null>;
}

/**
 * The real product process (`node --import tsx apps/server/src/main.ts`), so that a SIGKILL hits
 * exactly what production runs. Automatic protection is off: the load is not abuse. Tracked by
 * the scenario, so it never outlives it.
 */
export async function startProduct(
  ctx: ScenarioContext,
  options: ProductOptions,
): Promise<ProductProcess> {
  checkNotAborted(ctx);
  const dataDir = await mkdtemp(path.join(tmpdir(), "se-chaos-data-"));
  ctx.defer(() => rm(dataDir, { recursive: true, force: true }));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: options.databaseUrl,
    DATA_DIR: dataDir,
    HOST: "127.0.0.1",
    PORT: String(options.httpPort),
    SMTP_PORT: String(options.smtpPort),
    SMTP_RELAY_URL: options.relayUrl,
    ROLES: options.roles ?? "smtp,worker,scheduler",
    LOG_LEVEL: "info",
    // One JSON record a line (pino's own), read below by message and level.
    LOG_FORMAT: "json",
    AUTO_BLOCK_BURST_PER_MINUTE: "0",
    AUTO_BLOCK_BOUNCE_RATIO: "0",
  };
  if (options.maxSizeMb !== undefined) env.SMTP_MAX_SIZE_MB = String(options.maxSizeMb);
  Object.assign(env, options.env);
  // node itself, not a wrapper script: the signal reaches the product and nothing else.
  const child = spawn(process.execPath, ["--import", "tsx", ENTRY], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  ctx.track(child);
  mkdirSync(LOG_DIR, { recursive: true });
  const logFile = path.join(LOG_DIR, `${ctx.name}-${++processes}-pid${child.pid}.log`);
  const log = createWriteStream(logFile);
  const lines: string[] = [];
  const errors: string[] = [];
  let rounds = 0;
  let recordRetries = 0;
  let partial = "";
  let ready = false;
  const onOutput = (chunk: Buffer) => {
    log.write(chunk);
    const text = partial + chunk.toString();
    const complete = text.split("\n");
    partial = complete.pop() ?? "";
    for (const line of complete) {
      const record = logRecord(line);
      if (record.msg.startsWith("Scripts-email is running")) ready = true;
      if (record.msg === "delivery round") rounds++;
      if (record.msg.startsWith("recording delivery results failed")) recordRetries++;
      if (record.level >= PINO_ERROR) errors.push(line);
      lines.push(line);
    }
    if (lines.length > KEEP_LINES * 2) lines.splice(0, lines.length - KEEP_LINES);
  };
  child.stdout?.on("data", onOutput);
  child.stderr?.on("data", onOutput);
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.once("exit", (code, signal) => {
      log.end(`\n[chaos] process ended: ${signal ?? code}\n`);
      resolve(signal ?? code);
    }),
  );
  const tail = (n = 30) => lines.slice(-n).join("\n");
  const alive = () => child.exitCode === null && child.signalCode === null;
  const kill = async (signal: NodeJS.Signals = "SIGKILL") => {
    if (alive()) child.kill(signal);
    return exited;
  };
  ctx.defer(async () => {
    // SIGTERM lets it finish the batch in hand; SIGKILL if it takes too long.
    if (!alive()) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  });

  const timeoutMs = options.startTimeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  while (!ready) {
    if (!alive()) {
      throw new Error(`the product exited (${await exited}) before it was running:\n${tail()}`);
    }
    if (Date.now() > deadline || ctx.signal.aborted) {
      await kill("SIGKILL");
      throw new Error(`the product was not running after ${timeoutMs / 1000} s:\n${tail()}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    pid: child.pid!,
    child,
    exited,
    alive,
    rounds: () => rounds,
    recordRetries: () => recordRetries,
    errors: () => errors,
    tail,
    logFile,
    kill,
  };
}
