/**
 * `pnpm test:chaos`: runs the fault scenarios one after the other on loopback against the real
 * product process and a private PostgreSQL, then prints one table of what was done and what was
 * lost. Exit status 1 when anything acknowledged was lost or a scenario failed.
 * `pnpm test:chaos relay-down oversize` runs only the scenarios whose names contain those words.
 */

import { rm } from "node:fs/promises";
import { startPrivatePostgres } from "../private-postgres.ts";
import { progressLine, runScenario, type ScenarioOutcome } from "./lib/harness.ts";
import { LOG_DIR } from "./lib/product-process.ts";
import { formatTable } from "./lib/table.ts";
import { allScenarios } from "./scenarios/index.ts";

const filters = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const scenarios = allScenarios().filter(
  (s) => filters.length === 0 || filters.some((f) => s.name.includes(f)),
);
if (scenarios.length === 0) {
  process.stderr.write(`no scenario matches ${filters.join(", ")}\n`);
  process.exit(64);
}

const started = Date.now();
progressLine("chaos", `starting a private PostgreSQL for ${scenarios.length} scenario(s)`);
const postgres = await startPrivatePostgres();
progressLine("chaos", `PostgreSQL on 127.0.0.1:${postgres.port}`);
const outcomes: ScenarioOutcome[] = [];
try {
  for (const scenario of scenarios) {
    progressLine(scenario.name, `start (hard limit ${scenario.timeoutMs / 1000} s)`);
    const outcome = await runScenario(scenario, postgres);
    progressLine(
      scenario.name,
      `${outcome.result.failures.length === 0 ? "ok" : "FAILED"} in ${(outcome.durationMs / 1000).toFixed(1)} s`,
    );
    outcomes.push(outcome);
  }
} finally {
  await postgres.destroy();
}

process.stdout.write(`\n${formatTable(outcomes)}\n`);
const failed = outcomes.filter((o) => o.result.failures.length > 0 || o.result.lost > 0);
process.stdout.write(
  `\n${outcomes.length - failed.length}/${outcomes.length} scenario(s) passed in ` +
    `${((Date.now() - started) / 1000).toFixed(1)} s\n`,
);
// The product processes' whole output, for the post-mortem of a failed run.
if (failed.length > 0) process.stdout.write(`product logs: ${LOG_DIR}\n`);
else await rm(LOG_DIR, { recursive: true, force: true });
// Whatever a scenario left behind (a socket, a timer) must not keep the run alive.
process.exit(failed.length > 0 ? 1 : 0);
