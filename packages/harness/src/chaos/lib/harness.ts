import type { ChildProcess } from "node:child_process";
import { settleWithin } from "../../pool-probe.ts";
import type { PrivatePostgres } from "../../private-postgres.ts";

/** One line of the final table. Counts are null where they mean nothing for the scenario. */
export interface ScenarioResult {
  /** What the scenario did, with the figures that matter (kill point, outage, unknowns…). */
  done: string;
  submitted: number;
  acknowledged: number;
  /** 4xx answers (any stage): the client keeps the message and tries again. */
  refused4xx: number;
  delivered: number | null;
  /** Acknowledged (250) and never delivered, or never stored. */
  lost: number;
  /** Messages the relay received more than once. */
  duplicates: number | null;
  /** Checks that did not hold; empty when the scenario passed. */
  failures: string[];
}

export interface ScenarioContext {
  name: string;
  /** The run's private PostgreSQL (it may be stopped and started by a scenario). */
  postgres: PrivatePostgres;
  /** Aborted when the scenario's time is up: loops must stop waiting. */
  signal: AbortSignal;
  /** Runs at the end of the scenario, whatever happens, newest first. */
  defer(cleanup: () => Promise<unknown> | unknown): void;
  /** A child process that must not outlive the scenario (SIGKILLed by pid at the end). */
  track(child: ChildProcess): void;
  progress(message: string): void;
}

export interface Scenario {
  name: string;
  /** Hard limit: past it the scenario fails and everything it started is stopped. */
  timeoutMs: number;
  run(ctx: ScenarioContext): Promise<ScenarioResult>;
}

export interface ScenarioOutcome {
  name: string;
  result: ScenarioResult;
  durationMs: number;
}

const runStarted = Date.now();

export function progressLine(scope: string, message: string): void {
  const t = ((Date.now() - runStarted) / 1000).toFixed(1).padStart(6);
  process.stdout.write(`[${t}s] ${scope}: ${message}\n`);
}

/** Waits `ms`, or less once `signal` aborts. */
export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });

export class TimedOut extends Error {}

/** Throws once the scenario's time is up, so that it starts nothing more. */
export function checkNotAborted(ctx: ScenarioContext): void {
  if (ctx.signal.aborted) throw new TimedOut(`${ctx.name}: aborted`);
}

/** Polls `check` until it holds; throws TimedOut after `timeoutMs` or once `signal` aborts. */
export async function until(
  what: string,
  check: () => Promise<boolean> | boolean,
  options: { timeoutMs: number; everyMs?: number; signal?: AbortSignal },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  while (!(await check())) {
    if (options.signal?.aborted) throw new TimedOut(`aborted while waiting for ${what}`);
    if (Date.now() > deadline) {
      throw new TimedOut(`${what}: not reached within ${options.timeoutMs / 1000} s`);
    }
    await sleep(options.everyMs ?? 250, options.signal);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs one scenario with a hard timeout. Whatever it started is stopped afterwards: its cleanups
 * (bounded, newest first), then every child process it tracked is SIGKILLed by pid.
 */
export async function runScenario(
  scenario: Scenario,
  postgres: PrivatePostgres,
): Promise<ScenarioOutcome> {
  const started = Date.now();
  const controller = new AbortController();
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  const children: ChildProcess[] = [];
  // Past the timeout the scenario's code may still be running: whatever it starts from then on
  // is stopped at once instead of being left behind.
  let closed = false;
  const ctx: ScenarioContext = {
    name: scenario.name,
    postgres,
    signal: controller.signal,
    defer: (cleanup) => {
      if (closed) void settleWithin(Promise.resolve().then(cleanup), 10_000);
      else cleanups.push(cleanup);
    },
    track: (child) => {
      if (closed) child.kill("SIGKILL");
      else children.push(child);
    },
    progress: (message) => progressLine(scenario.name, message),
  };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new TimedOut(`hard timeout: still running after ${scenario.timeoutMs / 1000} s`));
    }, scenario.timeoutMs);
  });
  const work = scenario.run(ctx);
  // Past the timeout the scenario's own promise may still settle: never as an unhandled rejection.
  work.catch(() => undefined);
  let result: ScenarioResult;
  try {
    result = await Promise.race([work, timeout]);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    ctx.progress(`FAILED: ${message.split("\n")[0]}`);
    result = {
      done: "did not finish",
      submitted: 0,
      acknowledged: 0,
      refused4xx: 0,
      delivered: null,
      lost: 0,
      duplicates: null,
      failures: [message],
    };
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  closed = true;
  for (const cleanup of cleanups.reverse()) {
    if (!(await settleWithin(Promise.resolve().then(cleanup), 10_000))) {
      ctx.progress("a clean-up step took over 10 s: left behind");
    }
  }
  for (const child of children) {
    if (child.pid !== undefined && child.exitCode === null && isAlive(child.pid)) {
      ctx.progress(`SIGKILL left-over process ${child.pid}`);
      process.kill(child.pid, "SIGKILL");
    }
  }
  // Whatever happened, the next scenario gets a running database.
  if (!postgres.running()) await postgres.start().catch(() => undefined);
  return { name: scenario.name, result, durationMs: Date.now() - started };
}
