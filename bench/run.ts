// pnpm bench [--quick] [--profile|--no-profile] [--only relay,panel,spa,script-path,roles,fleet] [--out FILE]
//            [--relay-messages N] [--panel-sizes 1m,5m,20m] [--rerender lab/results.json[,other/results.json]]
// Prints figures one per line (`name value unit`), writes docs/benchmarks.md, stops itself within
// a bounded time and stops only the processes it started (by pid), dropping its own databases.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type BenchConfig, PARTS, panelSteps, sizes } from "./lib/config.ts";
import { dropAllCreated, durabilitySettings, serverVersion } from "./lib/db.ts";
import { Figures } from "./lib/figures.ts";
import { mergeRuns, type RunResults } from "./lib/merge-runs.ts";
import { killAllSync, loadAverage, REPO, stopAll } from "./lib/procs.ts";
import { machine, renderReport, writeReport } from "./lib/report.ts";
import { benchFleet } from "./scenarios/fleet.ts";
import { benchPanel } from "./scenarios/panel.ts";
import { benchRelay } from "./scenarios/relay.ts";
import { benchRoles } from "./scenarios/roles.ts";
import { benchScriptPath } from "./scenarios/script-path.ts";
import { benchSpa } from "./scenarios/spa.ts";

function parseArgs(argv: string[]) {
  const args = new Set(argv.filter((a) => a.startsWith("--") && !a.includes("=")));
  const value = (name: string) => {
    const i = argv.indexOf(name);
    const eq = argv.find((a) => a.startsWith(`${name}=`));
    return eq ? eq.slice(name.length + 1) : i >= 0 ? argv[i + 1] : undefined;
  };
  const quick = args.has("--quick") || process.env.BENCH_QUICK === "1";
  const only = new Set((value("--only") ?? PARTS.join(",")).split(",").map((s) => s.trim()));
  return {
    quick,
    only,
    profile: args.has("--no-profile") ? false : args.has("--profile") || !quick,
    out: value("--out") ?? path.join(REPO, "docs", "benchmarks.md"),
    /** Messages per relay load instead of the mode's size (a shorter look while tuning). */
    relayMessages: value("--relay-messages"),
    /** The panel's world sizes, smallest first (default 1m,5m,20m; quick: two tiny ones). */
    panelSizes: value("--panel-sizes"),
    /** results.json of earlier runs (several: parts measured apart): only writes the report. */
    rerender: value("--rerender"),
  };
}

export async function main(argv: string[]): Promise<number> {
  const a = parseArgs(argv);
  if (a.rerender) {
    const runs = a.rerender
      .split(",")
      .map((f) => JSON.parse(readFileSync(f, "utf8")) as RunResults);
    writeReport(a.out, render(mergeRuns(runs)));
    return 0;
  }
  const started = Date.now();
  // the whole run's bound: quick < 60 s normally, full ~45 min; past this it stops itself
  const limitMs = a.quick ? 120_000 : 75 * 60_000;
  const lab = path.join(os.tmpdir(), `scripts-email-bench-${process.pid}`);
  mkdirSync(lab, { recursive: true });
  const s = sizes(a.quick);
  if (a.relayMessages) s.relay.messages = positiveInt(a.relayMessages, "--relay-messages");
  if (a.panelSizes) s.panel.steps = panelSteps(a.panelSizes, a.quick);
  const cfg: BenchConfig = {
    quick: a.quick,
    lab,
    deadline: started + limitMs,
    relay: s.relay,
    panel: s.panel,
    roles: s.roles,
    script: s.script,
    profile: a.profile,
    installPostfix: true,
    buildSpa: !a.quick || !existsSync(path.join(REPO, "apps/web/dist/index.html")),
    only: a.only,
  };
  const figs = new Figures();
  const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
  const loadBefore = loadAverage();
  log(
    `lab ${lab}; ${a.quick ? "quick" : "full"} run, bounded to ${limitMs / 1000} s; load ${loadBefore}`,
  );

  let failed = false;
  const watchdog = setTimeout(() => {
    log(`time bound of ${limitMs / 1000} s reached: stopping`);
    void stopAll()
      .then(dropAllCreated)
      .finally(() => process.exit(3));
  }, limitMs);
  watchdog.unref();

  const parts: Array<[string, () => Promise<void>]> = [
    ["relay", () => benchRelay(cfg, figs, log)],
    ["panel", () => benchPanel(cfg, figs, log)],
    ["spa", () => benchSpa(cfg, figs, log)],
    ["script-path", () => benchScriptPath(cfg, figs, log)],
    ["roles", () => benchRoles(cfg, figs, log)],
    ["fleet", () => benchFleet(cfg, figs, log)],
  ];
  for (const [name, run] of parts) {
    if (!cfg.only.has(name)) continue;
    const t0 = Date.now();
    try {
      await run();
    } catch (error) {
      failed = true;
      figs.note(`${name} failed: ${(error as Error).stack ?? error}`);
      await stopAll();
    }
    log(`${name} done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  await stopAll();
  await dropAllCreated();
  clearTimeout(watchdog);

  const input: RunResults = {
    machine: machine(await serverVersion(), await durabilitySettings()),
    figs: { all: figs.all, notes: figs.notes, sections: figs.sections },
    quick: a.quick,
    sizes: `relay ${cfg.relay.messages} msgs × ${cfg.relay.bodyBytes} B over ${cfg.relay.sessions} sessions; panel ${cfg.panel.steps.map((p) => `${p.messages} messages over ${p.hostings} hostings`).join(", then ")}, big queues of up to ${cfg.panel.big} (a fifth of a smaller world each); script path ${cfg.script.calls} mail() calls from 1 and ${cfg.script.procs} PHP processes; roles ${cfg.roles.messages} msgs with 1 and 2 SMTP / worker processes`,
    loadBefore,
    loadAfter: loadAverage(),
    durationS: (Date.now() - started) / 1000,
  };
  // the run's raw results, so that the report can be re-rendered (--rerender) with a new analysis
  writeFileSync(path.join(lab, "results.json"), JSON.stringify(input, null, 1));
  log(`results in ${path.join(lab, "results.json")}`);
  const report = render(input);
  mkdirSync(path.dirname(a.out), { recursive: true });
  writeReport(a.out, report);
  log(`wrote ${a.out} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  spawnSync("rm", ["-rf", path.join(lab, "postfix", "spool")]);
  return failed ? 1 : 0;
}

function positiveInt(text: string, option: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${option} wants a positive whole number`);
  return n;
}

function render(input: RunResults): string {
  const figs = new Figures(() => undefined);
  figs.all.push(...input.figs.all);
  figs.notes.push(...input.figs.notes);
  figs.sections.push(...input.figs.sections);
  return renderReport({ ...input, figs, analysis: readAnalysis() });
}

function readAnalysis(): string | undefined {
  const file = path.join(REPO, "bench", "analysis.md");
  return existsSync(file) ? readFileSync(file, "utf8") : undefined;
}

const isMain =
  process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename);
if (isMain) {
  const onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`bench: ${signal}: stopping what was started\n`);
    void stopAll()
      .then(dropAllCreated)
      .finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal).once("SIGTERM", onSignal);
  process.on("exit", killAllSync);
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`bench: ${(error as Error).stack ?? error}\n`);
      void stopAll()
        .then(dropAllCreated)
        .finally(() => process.exit(1));
    },
  );
}
