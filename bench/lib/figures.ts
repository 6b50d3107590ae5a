// Every result is a figure printed at once as one `name value unit` line and kept for the report.

export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** Free text: what it is, how it was measured, or why it is partial. */
  note?: string;
}

export interface Target {
  what: string;
  /** Figure name whose value is compared. */
  figure: string;
  op: "<" | "<=" | ">=" | ">";
  limit: number;
  unit: string;
}

export const TARGETS: Target[] = [
  {
    what: "End-to-end relay ≥ 2× Postfix msgs/s, a connection per message (same load client)",
    figure: "ratio.e2e_rate_vs_postfix",
    op: ">=",
    limit: 2,
    unit: "×",
  },
  {
    what: "End-to-end relay ≥ 4× Postfix msgs/s, sessions reused (same load client)",
    figure: "ratio.e2e_rate_vs_postfix_reuse",
    op: ">=",
    limit: 4,
    unit: "×",
  },
  {
    what: "CPU per message ≤ 1/3 of Postfix's, a connection per message (same load client)",
    figure: "ratio.cpu_per_msg_vs_postfix",
    op: "<=",
    limit: 1 / 3,
    unit: "×",
  },
  {
    what: "Hosting page calls p99 < 50 ms at scale (worst call, worst hosting)",
    figure: "panel.page_p99_worst_ms",
    op: "<",
    limit: 50,
    unit: "ms",
  },
  {
    what: "Purge of the big held queue < 60 s",
    figure: "panel.purge_job_s",
    op: "<",
    limit: 60,
    unit: "s",
  },
  {
    what: "Block answers < 100 ms whatever the queue size (hosting with the big queue queued)",
    figure: "panel.block_big_queued_ms",
    op: "<",
    limit: 100,
    unit: "ms",
  },
  {
    what: "Block answers < 100 ms (hosting with the big queue held)",
    figure: "panel.block_big_held_ms",
    op: "<",
    limit: 100,
    unit: "ms",
  },
  {
    what: "Unblock answers < 100 ms (hosting with the big queue held)",
    figure: "panel.unblock_big_held_ms",
    op: "<",
    limit: 100,
    unit: "ms",
  },
  {
    what: "Initial SPA JavaScript < 200 kB gzip",
    figure: "spa.initial_js_gzip_kb",
    op: "<",
    limit: 200,
    unit: "kB",
  },
  {
    what: "One mail() through our sendmail ≤ 1.5× an empty `node -e ''` in CPU (same run)",
    figure: "script.ours.command_vs_node_empty",
    op: "<=",
    limit: 1.5,
    unit: "×",
  },
  {
    what: "Peak memory of our sendmail command ≤ 60 MB",
    figure: "script.ours.command_peak_mb",
    op: "<=",
    limit: 60,
    unit: "MB",
  },
];

export class Figures {
  readonly all: Figure[] = [];
  readonly notes: string[] = [];
  readonly sections: Array<{ title: string; body: string; markdown?: boolean }> = [];

  constructor(private readonly print: (line: string) => void = (l) => console.log(l)) {}

  add(name: string, value: number, unit: string, note?: string): number {
    const figure: Figure = { name, value, unit, ...(note ? { note } : {}) };
    this.all.push(figure);
    this.print(`${name} ${format(value)} ${unit}`);
    return value;
  }

  get(name: string): number | undefined {
    return this.all.findLast((f) => f.name === name)?.value;
  }

  /** A line the report shows under "Notes" (skips, partial runs, what a figure leaves out). */
  note(text: string): void {
    this.notes.push(text);
    this.print(`# ${text}`);
  }

  /** A block of evidence (profile, query plans) for the report's appendix; `markdown` bodies
   *  (a table) are shown as they are, others as preformatted text. */
  section(title: string, body: string, options: { markdown?: boolean } = {}): void {
    this.sections.push({ title, body, ...(options.markdown ? { markdown: true } : {}) });
  }
}

export function format(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  return value.toFixed(abs >= 100 ? 1 : abs >= 1 ? 2 : 4);
}

export function meets(target: Target, value: number): boolean {
  switch (target.op) {
    case "<":
      return value < target.limit;
    case "<=":
      return value <= target.limit;
    case ">=":
      return value >= target.limit;
    case ">":
      return value > target.limit;
  }
}

/** Nearest-rank percentile of an unsorted list. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}
