// docs/benchmarks.md: the machine, the run, the targets, every figure, the evidence.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { type Figures, format, meets, TARGETS } from "./figures.ts";

export interface Machine {
  nproc: number;
  memoryGiB: number;
  cpuModel: string;
  node: string;
  postgres: string;
  postgresSettings: string;
  postfix: string;
  kernel: string;
  date: string;
  /** The commit measured, and how many product files differed from it (work in progress). */
  commit: string;
}

export function machine(postgres: string, postgresSettings: string): Machine {
  let cpuModel = os.cpus()[0]?.model ?? "?";
  try {
    cpuModel = /model name\s*:\s*(.*)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? cpuModel;
  } catch {}
  let postfix = "not installed";
  try {
    postfix = execFileSync("/usr/sbin/postconf", ["-d", "-h", "mail_version"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {}
  return {
    nproc: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    cpuModel,
    node: process.version,
    postgres,
    postgresSettings,
    postfix,
    kernel: os.release(),
    date: new Date().toISOString(),
    commit: commitOf(),
  };
}

function commitOf(): string {
  const git = (args: string[]) => {
    try {
      return execFileSync("git", args, {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      }).trim();
    } catch {
      return "";
    }
  };
  const head = git(["rev-parse", "--short", "HEAD"]) || "?";
  const dirty = git(["status", "--porcelain", "--", "apps", "packages", "prisma"])
    .split("\n")
    .filter(Boolean).length;
  return dirty ? `${head} + ${dirty} uncommitted product file(s)` : head;
}

export function renderReport(o: {
  machine: Machine;
  figs: Figures;
  quick: boolean;
  sizes: string;
  loadBefore: string;
  loadAfter: string;
  durationS: number;
  /** Hand-written reading of a run (bench/analysis.md), kept with the figures. */
  analysis?: string | undefined;
}): string {
  const { machine: m, figs } = o;
  const lines: string[] = [];
  lines.push("# Benchmarks");
  lines.push("");
  lines.push(
    "Written by `pnpm bench` (bench/run.ts). Figures are from one run, or from parts run apart on the same machine (`--rerender` with several results; each part's ratios compare with anchors of its own run), on a machine shared with other engineers' tests: read them with the load noted beside them. `pnpm bench --quick` is a smoke run at tiny sizes whose figures mean little.",
  );
  lines.push("");
  lines.push("## Machine and run");
  lines.push("");
  lines.push("| | |");
  lines.push("|---|---|");
  lines.push(`| date | ${m.date} |`);
  lines.push(`| mode | ${o.quick ? "quick (smoke sizes)" : "full"}: ${o.sizes} |`);
  lines.push(`| CPUs (nproc) | ${m.nproc} × ${m.cpuModel} |`);
  lines.push(`| memory | ${m.memoryGiB} GiB |`);
  lines.push(`| kernel | ${m.kernel} |`);
  lines.push(`| code measured | ${m.commit} |`);
  lines.push(`| Node | ${m.node} |`);
  lines.push(`| PostgreSQL | ${m.postgres} (${m.postgresSettings}) |`);
  lines.push(`| Postfix | ${m.postfix} |`);
  lines.push(`| load average (1/5/15 min) | before: ${o.loadBefore} — after: ${o.loadAfter} |`);
  lines.push(`| run time | ${o.durationS.toFixed(0)} s |`);
  lines.push("");
  lines.push("## Targets");
  lines.push("");
  lines.push("| target | figure | measured | met |");
  lines.push("|---|---|---|---|");
  for (const t of TARGETS) {
    const v = figs.get(t.figure);
    const limit = `${t.op} ${format(t.limit)} ${t.unit}`;
    lines.push(
      `| ${t.what} (${limit}) | \`${t.figure}\` | ${v === undefined ? "not measured" : `${format(v)} ${t.unit}`} | ${v === undefined ? "–" : meets(t, v) ? "yes" : "**no**"} |`,
    );
  }
  lines.push("");
  lines.push("## All figures");
  lines.push("");
  lines.push("| figure | value | unit | note |");
  lines.push("|---|---:|---|---|");
  for (const f of figs.all)
    lines.push(`| \`${f.name}\` | ${format(f.value)} | ${f.unit} | ${f.note ?? ""} |`);
  lines.push("");
  lines.push(
    "Naming: `se` = Scripts-email end to end (all roles in one process); `pf` = private Postfix fed by the same Node load client; `pf_source` = Postfix fed by `smtp-source`; `ingest.conn`/`ingest.reuse` = Scripts-email's SMTP role alone with a connection (and AUTH) per message / sessions reused; `ceiling.conn` = bench/lib/node-sink.ts, a Node SMTP server that only answers (no AUTH, nothing stored), same client, a connection per message; `cpu_*_per_msg` = utime+stime of the processes named (reaped children included) divided by messages; `txn` = MAIL FROM sent → 250 after the data.",
  );
  if (figs.notes.length) {
    lines.push("");
    lines.push("## Notes");
    lines.push("");
    for (const n of figs.notes) lines.push(`- ${n}`);
  }
  if (o.analysis) {
    lines.push("");
    lines.push(o.analysis.trim());
  }
  for (const s of figs.sections) {
    lines.push("");
    lines.push(`## ${s.title}`);
    lines.push("");
    if (s.markdown) lines.push(s.body.trimEnd());
    else lines.push("```", s.body.trimEnd(), "```");
  }
  lines.push("");
  return lines.join("\n");
}

export function writeReport(file: string, text: string): void {
  writeFileSync(file, text);
}
