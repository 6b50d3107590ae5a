import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";

// Readers of the operator's files under deploy/ for their test (deploy.test.ts): the systemd
// units, the Dockerfile, the Grafana dashboard, the Prometheus rules and the series they name.

export const ROOT = path.resolve(import.meta.dirname, "../../../..");
export const DEPLOY = path.join(ROOT, "deploy");

export const read = (file: string) => readFileSync(path.join(DEPLOY, file), "utf8");

/** A systemd unit's settings: section → key → values (a key may repeat, e.g. Environment=). */
export function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section) {
      current = new Map();
      sections.set(section[1]!, current);
      continue;
    }
    const eq = line.indexOf("=");
    if (!current || eq < 1) throw new Error(`not a unit line: ${line}`);
    const key = line.slice(0, eq);
    current.set(key, [...(current.get(key) ?? []), line.slice(eq + 1)]);
  }
  return sections;
}

/** `KEY=value` lines (an EnvironmentFile, a unit's Environment= values), comments skipped. */
export function parseEnv(lines: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const raw of lines) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return env;
}

const PROMQL_WORDS = new Set([
  "sum",
  "min",
  "max",
  "avg",
  "count",
  "stddev",
  "stdvar",
  "topk",
  "bottomk",
  "quantile",
  "count_values",
  "group",
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "and",
  "or",
  "unless",
  "offset",
  "bool",
  "atan2",
  "inf",
  "nan",
]);

/**
 * The series a PromQL expression reads: what is left once strings, label matchers, ranges,
 * grouping clauses, function calls, keywords and numbers are taken out. Grafana's `$__…`
 * variables count as ranges.
 */
export function seriesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ")
    .replace(/\boffset\s+\S+/g, " ");
  const names = new Set<string>();
  for (const m of stripped.matchAll(/(?<![\w.$])([a-zA-Z_:][\w:]*)(\s*\()?/g)) {
    const [, name, call] = m;
    if (call || PROMQL_WORDS.has(name!.toLowerCase())) continue;
    names.add(name!);
  }
  return [...names];
}

interface DashboardPanel {
  type: string;
  title?: string;
  datasource?: { type?: string; uid?: string };
  targets?: Array<{ expr?: string; datasource?: { uid?: string } }>;
  panels?: DashboardPanel[];
}

export interface Dashboard {
  __inputs: Array<{ name: string; type: string; pluginId: string }>;
  uid: string;
  title: string;
  panels: DashboardPanel[];
  templating: {
    list: Array<{ name: string; query?: { query?: string }; datasource?: { uid?: string } }>;
  };
}

export function readDashboard(): Dashboard {
  return JSON.parse(read("grafana/scripts-email.json")) as Dashboard;
}

/** Every panel of the dashboard, those inside rows included. */
export function panelsOf(dashboard: Dashboard): DashboardPanel[] {
  return dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

export function dashboardExpressions(dashboard: Dashboard): string[] {
  const exprs = panelsOf(dashboard).flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? ""));
  for (const variable of dashboard.templating.list) {
    const query = variable.query?.query;
    // label_values(<series>, <label>)
    const series = query && /^label_values\(\s*([\w:]+)/.exec(query)?.[1];
    if (series) exprs.push(series);
  }
  return exprs;
}

export interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export function readRules(): { groups: Array<{ name: string; rules: Rule[] }> } {
  return parse(read("prometheus/scripts-email-rules.yml"));
}
