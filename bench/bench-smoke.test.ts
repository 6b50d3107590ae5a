// Keeps `pnpm bench` from rotting: its building blocks at tiny sizes, in the test suite. Needs
// PostgreSQL (like every integration test), not Postfix: without /usr/sbin/smtp-source only the
// Postfix comparison is skipped, and the report says so.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, expect, it } from "vitest";
import type { BenchConfig } from "./lib/config.ts";
import { dropAllCreated } from "./lib/db.ts";
import { Figures } from "./lib/figures.ts";
import { hasPostfixTools } from "./lib/postfix.ts";
import { stopAll } from "./lib/procs.ts";
import { machine, renderReport } from "./lib/report.ts";
import { benchPanel } from "./scenarios/panel.ts";
import { benchRelay } from "./scenarios/relay.ts";
import { benchScriptPath } from "./scenarios/script-path.ts";
import { reportSpa } from "./scenarios/spa.ts";

const lab = mkdtempSync(path.join(os.tmpdir(), "bench-smoke-"));

function config(): BenchConfig {
  return {
    quick: true,
    lab,
    deadline: Date.now() + 100_000,
    relay: { messages: 20, sessions: 4, bodyBytes: 1024, warmup: 4, phaseMs: 30_000 },
    panel: {
      steps: [
        { label: "3k", hostings: 20, messages: 300 },
        { label: "6k", hostings: 40, messages: 600 },
      ],
      big: 100,
      seconds: 0.3,
      connections: 2,
      deliverySeconds: 3,
    },
    roles: { messages: 40, sessions: 2, bodyBytes: 1024 },
    script: { calls: 5, procs: 5, samples: 1 },
    profile: true,
    installPostfix: false,
    buildSpa: false,
    only: new Set(["relay", "panel", "spa"]),
  };
}

const quiet = () => undefined;

afterAll(async () => {
  await stopAll();
  await dropAllCreated();
  rmSync(lab, { recursive: true, force: true });
});

it("relays end to end, measures ingest, and compares with Postfix when it is installed", async () => {
  const figs = new Figures(quiet);
  await benchRelay(config(), figs, quiet);
  expect(figs.get("se.accepted")).toBe(20);
  expect(figs.get("se.e2e_rate")).toBeGreaterThan(0);
  expect(figs.get("se.cpu_per_msg")).toBeGreaterThan(0);
  expect(figs.get("ingest.conn.accepted")).toBe(20);
  expect(figs.get("ingest.reuse.txn_p99")).toBeGreaterThan(0);
  // memory per session, from the ingest's heap after full collections: each session costs some
  expect(figs.get("ingest.memory_per_idle_session")).toBeGreaterThan(0);
  expect(figs.get("ingest.memory_per_message_in_flight")).toBeGreaterThan(0);
  expect(figs.get("ceiling.conn.accepted")).toBe(20);
  expect(figs.sections.some((s) => s.title.startsWith("CPU profile"))).toBe(true);
  if (hasPostfixTools()) {
    expect(figs.get("pf.e2e_rate")).toBeGreaterThan(0);
    expect(figs.get("ratio.e2e_rate_vs_postfix")).toBeGreaterThan(0);
    expect(figs.get("ratio.ceiling_vs_postfix")).toBeGreaterThan(0);
  } else {
    expect(figs.notes.join("\n")).toMatch(/Postfix comparison skipped/);
  }
}, 120_000);

it("loads a tiny world, times the hosting page and the block, purge and delivery", async () => {
  const figs = new Figures(quiet);
  // two sizes of the world, each with its page calls: more time than the other parts
  await benchPanel({ ...config(), deadline: Date.now() + 150_000 }, figs, quiet);
  expect(figs.get("panel.3k.loaded_messages")).toBeGreaterThan(200);
  // the world grew to the second size instead of being loaded again
  expect(figs.get("panel.6k.loaded_messages")).toBeGreaterThan(500);
  expect(figs.get("panel.6k.loaded_messages")).toBeLessThan(700);
  expect(figs.get("panel.3k.status.typical.p99_ms")).toBeGreaterThan(0);
  expect(figs.get("panel.6k.history.big_held.p99_ms")).toBeGreaterThan(0);
  const growth = figs.sections.find((s) => s.title.startsWith("How the panel's cost grows"));
  expect(growth?.markdown).toBe(true);
  expect(growth?.body).toMatch(/\| status \(typical\) \| \d+(\.\d+)? \/ \d+(\.\d+)? \| \d+/);
  expect(figs.get("panel.page_p99_worst_ms")).toBeGreaterThan(0);
  expect(figs.get("panel.block_big_queued_ms")).toBeGreaterThan(0);
  expect(figs.get("panel.purge_job_s")).toBeGreaterThan(0);
  expect(figs.get("panel.delivered")).toBeGreaterThan(0);
  expect(figs.notes.filter((n) => /HTTP [45]\d\d|non-2xx/.test(n))).toEqual([]);
}, 180_000);

it("sends PHP mail() through our sendmail and msmtp into the product and times delivery", async () => {
  const figs = new Figures(quiet);
  await benchScriptPath(config(), figs, quiet);
  expect(figs.notes.filter((n) => /fail|did not count/.test(n))).toEqual([]);
  expect(figs.get("script.ours.serial.calls_per_s")).toBeGreaterThan(0);
  expect(figs.get("script.ours.5-procs.last_delivery_s")).toBeGreaterThan(0);
  expect(figs.get("script.ours.command_cpu_ms")).toBeGreaterThan(0);
  if (existsSync("/usr/bin/msmtp")) {
    expect(figs.get("script.msmtp.serial.cpu_server_per_call")).toBeGreaterThan(0);
  }
  expect(figs.sections.some((s) => s.title.startsWith("Script path"))).toBe(true);
}, 60_000);

it("measures the SPA's initial download and writes the report", () => {
  const dist = path.join(lab, "dist");
  mkdirSync(path.join(dist, "assets"), { recursive: true });
  writeFileSync(
    path.join(dist, "index.html"),
    '<script type="module" src="/assets/a.js"></script><link rel="modulepreload" href="/assets/b.js"><link rel="stylesheet" href="/assets/c.css">',
  );
  writeFileSync(path.join(dist, "assets/a.js"), "console.log(1);".repeat(100));
  writeFileSync(path.join(dist, "assets/b.js"), "x");
  writeFileSync(path.join(dist, "assets/c.css"), "a{}");
  writeFileSync(path.join(dist, "assets/lazy.js"), "y");
  const figs = new Figures(quiet);
  expect(reportSpa(figs, dist)).toBe(true);
  expect(figs.get("spa.initial_js_kb")).toBe(1.501);
  expect(figs.get("spa.initial_css_kb")).toBe(0.003);
  // the chunk index.html does not load is listed on its own, outside the initial figure
  const lazyGzip = gzipSync("y", { level: 9 }).length / 1000;
  expect(figs.get("spa.lazy.lazy_gzip_kb")).toBe(lazyGzip);
  expect(figs.get("spa.lazy_js_gzip_kb")).toBe(lazyGzip);
  const text = renderReport({
    machine: machine("15", "fsync=on"),
    figs,
    quick: true,
    sizes: "tiny",
    loadBefore: "0",
    loadAfter: "0",
    durationS: 1,
  });
  expect(text).toMatch(/\| Initial SPA JavaScript < 200 kB gzip .* \| yes \|/);
  expect(text).toMatch(/`spa.initial_js_gzip_kb`/);
});
