// Processes the harness starts, and what they cost: every child is registered here and stopped
// by its own pid (never by name); CPU time is read from /proc.
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import { waitForPort } from "@scripts-email/harness/ports";

export const REPO = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const started = new Map<number, string>();

/** Registers a pid the harness started without spawning it itself (Postfix's master). */
export function adopt(pid: number, name: string): void {
  started.set(pid, name);
}

export interface Child {
  pid: number;
  name: string;
  process: ChildProcess;
  exited: Promise<number | null>;
  /** SIGTERM, wait up to `graceMs`, then SIGKILL. */
  stop(graceMs?: number): Promise<void>;
}

export function startChild(
  name: string,
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; logFile?: string; stdout?: "pipe" } = {},
): Child {
  const child = spawn(command, args, {
    cwd: options.cwd ?? REPO,
    env: options.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
  const pid = child.pid;
  started.set(pid, name);
  if (options.logFile) {
    const log = createWriteStream(options.logFile, { flags: "a" });
    child.stderr?.pipe(log);
    if (options.stdout !== "pipe") child.stdout?.pipe(log);
  } else {
    child.stderr?.resume();
    if (options.stdout !== "pipe") child.stdout?.resume();
  }
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code) => {
      started.delete(pid);
      resolve(code);
    });
  });
  return {
    pid,
    name,
    process: child,
    exited,
    stop: (graceMs = 20_000) => stopPid(pid, name, graceMs, exited),
  };
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function stopPid(
  pid: number,
  name: string,
  graceMs = 15_000,
  exited?: Promise<unknown>,
): Promise<void> {
  if (!alive(pid)) {
    started.delete(pid);
    return;
  }
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    started.delete(pid);
    return;
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (exited) {
      const done = await Promise.race([exited.then(() => true), sleep(100).then(() => false)]);
      if (done) break;
    } else {
      if (!alive(pid)) break;
      await sleep(100);
    }
  }
  if (alive(pid) && (!exited || started.has(pid))) {
    process.stderr.write(`bench: ${name} (${pid}) ignored SIGTERM, killing it\n`);
    try {
      process.kill(pid, "SIGKILL");
    } catch {}
  }
  started.delete(pid);
}

/** Stops every process this harness started and that is still running, newest first. */
export async function stopAll(): Promise<void> {
  for (const [pid, name] of [...started].reverse()) await stopPid(pid, name, 10_000);
}

/** Synchronous last resort (process exit): SIGKILL what is left. */
export function killAllSync(): void {
  for (const pid of started.keys()) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {}
  }
}

/** Waits until `port` accepts connections; fails at once if `child` exits first. */
export function waitPort(port: number, timeoutMs: number, child?: Child): Promise<void> {
  return waitForPort(port, timeoutMs, () =>
    child && !alive(child.pid) ? `${child.name} exited before listening` : undefined,
  );
}

export const CLK_TCK = 100;

interface Stat {
  ppid: number;
  /** utime + stime + cutime + cstime, in clock ticks. */
  ticks: number;
  starttime: number;
}

export function readStat(pid: number): Stat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const n = (i: number) => Number(f[i] ?? 0);
  return { ppid: n(1), ticks: n(11) + n(12) + n(13) + n(14), starttime: n(19) };
}

export function listPids(): number[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
}

export function childrenOf(pid: number): number[] {
  return listPids().filter((p) => readStat(p)?.ppid === pid);
}

/**
 * CPU seconds of `pid` and of its live direct children, reaped children included (cutime):
 * exact across a run when taken at its start and end (a child that exits is reaped into its
 * parent). Postfix's master and our node server are measured this way.
 */
export function treeCpuSeconds(pid: number): number {
  let ticks = readStat(pid)?.ticks ?? 0;
  for (const c of childrenOf(pid)) ticks += readStat(c)?.ticks ?? 0;
  return ticks / CLK_TCK;
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
  } catch {
    return "";
  }
}

/**
 * PostgreSQL backends serving one database, found by their process title; they are children of
 * a postmaster shared with others, so they are polled rather than read from its cutime.
 */
export class BackendCpu {
  private first = new Map<string, number>();
  private last = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly database: string) {}

  private sample(initial: boolean): void {
    for (const pid of listPids()) {
      const title = cmdline(pid);
      if (!title.startsWith("postgres: ") || !title.includes(` ${this.database} `)) continue;
      const s = readStat(pid);
      if (!s) continue;
      const key = `${pid}:${s.starttime}`;
      if (!this.first.has(key)) this.first.set(key, initial ? s.ticks : 0);
      this.last.set(key, s.ticks);
    }
  }

  start(intervalMs = 200): void {
    this.sample(true);
    this.timer = setInterval(() => this.sample(false), intervalMs);
    this.timer.unref();
  }

  /** CPU seconds used by the database's backends since start. */
  stop(): number {
    clearInterval(this.timer);
    this.sample(false);
    let ticks = 0;
    for (const [key, last] of this.last) ticks += last - (this.first.get(key) ?? 0);
    return ticks / CLK_TCK;
  }
}

/** Whole-machine busy share between two calls, from /proc/stat. */
export function machineTicks(): { total: number; idle: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
  const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = v.reduce((a, b) => a + b, 0);
  return { total, idle: (v[3] ?? 0) + (v[4] ?? 0) };
}

export function busyPct(a: { total: number; idle: number }, b: { total: number; idle: number }) {
  const dt = b.total - a.total;
  return dt > 0 ? (100 * (dt - (b.idle - a.idle))) / dt : 0;
}

export function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
}
