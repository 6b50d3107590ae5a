import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { createTestDatabase, type TestDatabase } from "@scripts-email/db/testing";
import { freePort } from "@scripts-email/harness/ports";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadConfig, ROLE_NAMES, type RoleName } from "./config.ts";
import { createLog } from "./log.ts";
import { type RunningServer, startServer } from "./server.ts";
import {
  dashboardExpressions,
  panelsOf,
  parseEnv,
  parseUnit,
  ROOT,
  read,
  readDashboard,
  readRules,
  seriesIn,
} from "./testing/deploy-files.ts";

// The operator's files under deploy/ (docs/operations.md) against the real product: every series
// the Grafana dashboard and the Prometheus rules name is in the /metrics of the roles started as
// production starts them, the systemd units run a real entry point with their own ROLES, and
// the container's command, started as it is, runs the roles ROLES names.
const TOKEN = "deploy-test-token-0123456789";
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's import input, not a template
const DS_INPUT = "${DS_PROMETHEUS}";
const START_TIMEOUT = 60_000;

/** Series from outside the product: node_exporter's (node_*) and Prometheus's own `up`. */
const external = (name: string) => name.startsWith("node_") || name === "up";

let db: TestDatabase;
const servers: RunningServer[] = [];
const children: ChildProcess[] = [];
const scrapes = new Map<RoleName, string>();

/** Starts one role in this process, its metrics on METRICS_PORT (with the container's settings for the worker). */
async function startRole(role: RoleName): Promise<{ metrics: string; port: number }> {
  const [port, smtp, metrics] = [await freePort(), await freePort(), await freePort()];
  const container = role === "worker" ? { METRICS_HOST: "0.0.0.0", METRICS_TOKEN: TOKEN } : {};
  const config = loadConfig({
    DATABASE_URL: db.url,
    ROLES: role,
    PORT: String(port),
    SMTP_PORT: String(smtp),
    METRICS_PORT: String(metrics),
    LOG_LEVEL: "silent",
    ...container,
  });
  servers.push(await startServer({ config, log: createLog("silent"), print: () => {} }));
  return { metrics: `http://127.0.0.1:${metrics}/metrics`, port };
}

/** The Dockerfile's CMD, as the container runs it, with ROLES from the environment. */
async function startContainerCommand(roles: string, metricsPort: number): Promise<ChildProcess> {
  const [program, ...args] = dockerCmd();
  expect(program).toBe("node");
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      ROLES: roles,
      PORT: String(await freePort()),
      SMTP_PORT: String(await freePort()),
      METRICS_PORT: String(metricsPort),
      LOG_FORMAT: "json",
      LOG_LEVEL: "info",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`not running:\n${out}`)),
      START_TIMEOUT - 5_000,
    );
    child.stdout?.on("data", () => {
      if (out.includes("Scripts-email is running")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before running:\n${out}`));
    });
  });
  expect(out).toContain(`Scripts-email is running roles: ${roles.split(",").join(", ")}`);
  return child;
}

function dockerCmd(): string[] {
  const line = read("Dockerfile")
    .split("\n")
    .find((l) => l.startsWith("CMD "));
  if (!line) throw new Error("deploy/Dockerfile has no CMD");
  return JSON.parse(line.slice(4)) as string[];
}

async function scrape(url: string, token?: string): Promise<string> {
  const res = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  expect(res.status, url).toBe(200);
  return res.text();
}

/** Series names with a sample in a /metrics text (histograms' _bucket, _sum, _count included). */
const seriesOf = (text: string) =>
  new Set(
    text
      .split("\n")
      .filter((l) => l && !l.startsWith("#"))
      .map((l) => /^[\w:]+/.exec(l)![0]),
  );

beforeAll(async () => {
  db = await createTestDatabase();
  for (const role of ["api", "smtp", "worker"] as const) {
    const { metrics, port } = await startRole(role);
    if (role === "api") {
      // the request metrics have a series once a request was answered
      expect((await fetch(`http://127.0.0.1:${port}/api/openapi.json`)).status).toBe(200);
    }
    if (role === "worker") {
      expect((await fetch(metrics)).status).toBe(401);
      scrapes.set(role, await scrape(metrics, TOKEN));
    } else scrapes.set(role, await scrape(metrics));
  }
  const schedulerMetrics = await freePort();
  await startContainerCommand("scheduler", schedulerMetrics);
  // the scheduler sets its gauges on its first tick, which may end after the start-up banner
  const deadline = Date.now() + 10_000;
  for (;;) {
    const text = await scrape(`http://127.0.0.1:${schedulerMetrics}/metrics`);
    if (text.includes("scripts_email_hostings_blocked{") || Date.now() > deadline) {
      scrapes.set("scheduler", text);
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}, 120_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  for (const server of servers.splice(0).reverse()) await server.stop();
  await db?.dispose();
});

describe("the dashboard and the alerting rules", () => {
  const exposed = () => new Set([...scrapes.values()].flatMap((text) => [...seriesOf(text)]));

  it("name only series the roles' /metrics have (or node_exporter's, marked as such)", () => {
    const dashboard = dashboardExpressions(readDashboard()).flatMap(seriesIn);
    const rules = readRules().groups.flatMap((g) => g.rules.flatMap((r) => seriesIn(r.expr)));
    const named = new Set([...dashboard, ...rules]);
    // the extraction itself: what the files are known to use is found
    for (const name of [
      "scripts_email_queue_oldest_age_seconds",
      "scripts_email_hostings_blocked",
      "scripts_email_db_errors_total",
      "scripts_email_spam_scan_seconds_bucket",
      "http_request_duration_seconds_bucket",
      "process_cpu_seconds_total",
      "node_filesystem_avail_bytes",
    ]) {
      expect(named, name).toContain(name);
    }
    const missing = [...named].filter((name) => !external(name) && !exposed().has(name));
    expect(missing).toEqual([]);
  });

  it("each role's scrape shows what that role does", () => {
    expect(seriesOf(scrapes.get("api")!)).toContain("http_requests_total");
    expect(seriesOf(scrapes.get("smtp")!)).toContain("scripts_email_smtp_sessions");
    expect(seriesOf(scrapes.get("worker")!)).toContain("scripts_email_delivery_failures_total");
    expect(seriesOf(scrapes.get("scheduler")!)).toContain("scripts_email_queue_oldest_age_seconds");
    // the container's command ran the scheduler alone, as ROLES said
    expect(seriesOf(scrapes.get("scheduler")!)).not.toContain("scripts_email_smtp_sessions");
    expect(seriesOf(scrapes.get("scheduler")!)).not.toContain("http_requests_total");
  });

  it("is an importable dashboard on a DS_PROMETHEUS input", () => {
    const dashboard = readDashboard();
    expect(dashboard.__inputs).toEqual([
      expect.objectContaining({
        name: "DS_PROMETHEUS",
        type: "datasource",
        pluginId: "prometheus",
      }),
    ]);
    expect(dashboard.uid).toBe("scripts-email");
    const panels = panelsOf(dashboard).filter((p) => p.type !== "row");
    expect(panels.length).toBeGreaterThan(10);
    for (const panel of panels) {
      expect(panel.datasource?.uid, panel.title).toBe(DS_INPUT);
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) expect(target.expr, panel.title).toBeTruthy();
    }
  });

  it("are well-formed rules: unique names, an expression, a severity, a summary; node_exporter's marked", () => {
    const { groups } = readRules();
    expect(groups.length).toBeGreaterThan(0);
    const alerts = groups.flatMap((g) => g.rules);
    expect(new Set(groups.map((g) => g.name)).size).toBe(groups.length);
    expect(new Set(alerts.map((r) => r.alert)).size).toBe(alerts.length);
    for (const rule of alerts) {
      expect(rule.alert, JSON.stringify(rule)).toMatch(/^ScriptsEmail[A-Za-z0-9]+$/);
      expect(typeof rule.expr).toBe("string");
      if (rule.for !== undefined) expect(rule.for).toMatch(/^\d+[smhd]$/);
      expect(["warning", "critical"]).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
      const fromNodeExporter = seriesIn(rule.expr).some((n) => n.startsWith("node_"));
      expect(rule.labels?.source === "node_exporter", rule.alert).toBe(fromNodeExporter);
    }
    // what the operator was promised (issue 17)
    const exprs = alerts.map((r) => r.expr).join("\n");
    for (const series of [
      "scripts_email_queue_oldest_age_seconds",
      'scripts_email_delivery_failures_total{kind="relay"}',
      'scripts_email_spam_scans_total{result="unscanned"}',
      "node_filesystem_avail_bytes",
      "scripts_email_db_errors_total",
      'scripts_email_hostings_blocked{cause=~"burst|bounce|spam"}',
    ]) {
      expect(exprs).toContain(series);
    }
  });
});

describe("systemd units and the container", () => {
  const envExample = parseEnv(read("systemd/scripts-email.env.example").split("\n"));
  const documented = new Set(
    [...readFileSync(path.join(ROOT, "README.md"), "utf8").matchAll(/^\| `([A-Z_]+)`/gm)].map(
      (m) => m[1],
    ),
  );

  it.each(ROLE_NAMES)("runs the %s role with a real entry point and its own ROLES", (role) => {
    const unit = parseUnit(read(`systemd/scripts-email-${role}.service`));
    const service = unit.get("Service")!;
    const one = (key: string) => {
      expect(service.get(key), key).toHaveLength(1);
      return service.get(key)![0]!;
    };
    const [program, ...args] = one("ExecStart").split(/\s+/);
    expect(program).toBe("/usr/bin/node");
    const entry = args.find((a) => a.endsWith(".ts"))!;
    expect(existsSync(path.join(ROOT, entry)), entry).toBe(true);
    expect(one("WorkingDirectory")).toBe("/opt/scripts-email");
    expect([program, ...args].slice(1)).toEqual(dockerCmd().slice(1));
    const env = parseEnv(service.get("Environment") ?? []);
    expect(env.ROLES).toBe(role);
    expect(one("User")).toBe("scripts-email");
    expect(one("NoNewPrivileges")).toBe("yes");
    expect(one("ProtectSystem")).toBe("strict");
    expect(one("Restart")).toBe("on-failure");
    expect(Number(one("LimitNOFILE"))).toBeGreaterThanOrEqual(4096);
    expect(one("EnvironmentFile")).toBe("/etc/scripts-email/scripts-email.env");
    // the shared file with this unit's own settings is a configuration the server accepts
    const config = loadConfig({ ...env, ...envExample }, "/opt/scripts-email");
    expect(config.roles).toEqual([role]);
    expect(config.metricsPort).toBe(Number(env.METRICS_PORT));
  });

  it("shares settings that exist, never a unit's own (an EnvironmentFile overrides Environment=)", () => {
    for (const name of Object.keys(envExample)) expect(documented, name).toContain(name);
    expect(envExample).not.toHaveProperty("ROLES");
    expect(envExample).not.toHaveProperty("METRICS_PORT");
    const ports = ROLE_NAMES.map(
      (role) =>
        parseEnv(
          parseUnit(read(`systemd/scripts-email-${role}.service`))
            .get("Service")!
            .get("Environment")!,
        ).METRICS_PORT,
    );
    expect(new Set(ports).size).toBe(ROLE_NAMES.length);
  });

  it("builds one image whose command leaves the roles to ROLES, from a plain image name", () => {
    const dockerfile = read("Dockerfile");
    const from = /^FROM\s+(\S+)/m.exec(dockerfile)![1]!;
    expect(from).toBe("node:20-bookworm-slim");
    expect(dockerfile).not.toMatch(/^ENTRYPOINT/m);
    expect(dockerfile).not.toMatch(/\bROLES=/);
    expect(existsSync(path.join(ROOT, dockerCmd().at(-1)!))).toBe(true);
    const compose = parse(read("compose.yaml"), { merge: true }) as {
      services: Record<string, { image: string; environment?: Record<string, string> }>;
    };
    const roles = Object.values(compose.services).flatMap((s) =>
      s.image === "scripts-email" ? [s.environment?.ROLES] : [],
    );
    expect(roles.sort()).toEqual([...ROLE_NAMES].sort());
    for (const service of Object.values(compose.services)) {
      // a plain name: no registry host (a dot or a port before the first slash)
      expect(service.image).not.toMatch(/^[^/]*[.:][^/]*\//);
    }
  });
});
