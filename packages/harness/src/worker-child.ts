import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";

const ENTRY = path.join(import.meta.dirname, "worker-process.ts");
/** The workspace root, where `--import tsx` is resolved from. */
const ROOT = path.resolve(import.meta.dirname, "../../..");

export interface WorkerChildOptions {
  databaseUrl: string;
  relayUrl: string;
  batchSize?: number;
  concurrency?: number;
  leaseMs?: number;
  idleMs?: number;
}

export interface WorkerChild {
  child: ChildProcess;
  pid: number;
  /** Delivery rounds the worker reported as finished (claimed, relayed, recorded). */
  rounds(): number;
  output(): string;
  /** Resolves with the exit code, or the signal that ended it. */
  exited: Promise<number | NodeJS.Signals | null>;
  /** Sends `signal` (default SIGKILL) and waits for the process to end. */
  kill(signal?: NodeJS.Signals): Promise<number | NodeJS.Signals | null>;
}

/** Starts `worker-process.ts` with `node --import tsx`; resolves once it is running. */
export async function startWorkerChild(
  options: WorkerChildOptions,
  startTimeoutMs = 20_000,
): Promise<WorkerChild> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: options.databaseUrl,
    SMTP_RELAY_URL: options.relayUrl,
  };
  const numbers = {
    BATCH_SIZE: options.batchSize,
    CONCURRENCY: options.concurrency,
    LEASE_MS: options.leaseMs,
    IDLE_MS: options.idleMs,
  };
  for (const [name, value] of Object.entries(numbers)) {
    if (value !== undefined) env[name] = String(value);
  }
  // node itself, not a wrapper script, so that a signal reaches the worker and nothing else.
  const child = spawn(process.execPath, ["--import", "tsx", ENTRY], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let rounds = 0;
  let line = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    const text = chunk.toString();
    out += text;
    const lines = (line + text).split("\n");
    line = lines.pop() ?? "";
    rounds += lines.filter((l) => l.includes('"msg":"delivery round"')).length;
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.once("exit", (code, signal) => resolve(signal ?? code)),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`worker not ready after ${startTimeoutMs} ms\n${out}`));
    }, startTimeoutMs);
    const onData = () => {
      if (out.includes('"msg":"ready"')) {
        clearTimeout(timer);
        child.stdout?.off("data", onData);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited (${code}) before it was ready\n${out}`));
    });
  });
  return {
    child,
    pid: child.pid!,
    rounds: () => rounds,
    output: () => out,
    exited,
    async kill(signal = "SIGKILL") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
