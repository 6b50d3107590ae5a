import type { ScenarioOutcome } from "./harness.ts";

const HEADERS = [
  "scenario",
  "what was done",
  "submitted",
  "acknowledged (250)",
  "refused (4xx)",
  "delivered",
  "lost",
  "duplicates",
  "duration",
  "result",
] as const;

const WHAT_WIDTH = 72;
const n = (v: number | null) => (v === null ? "-" : v.toLocaleString("en-US"));

/** Wraps `text` on spaces into lines of at most `width` characters. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.length > 0 ? lines : [""];
}

/** The run's one table (plain text, the "what was done" column wrapped), then any failures. */
export function formatTable(outcomes: ScenarioOutcome[]): string {
  const rows = outcomes.map((o) => {
    const r = o.result;
    return [
      [o.name],
      wrap(r.done, WHAT_WIDTH),
      [n(r.submitted)],
      [n(r.acknowledged)],
      [n(r.refused4xx)],
      [n(r.delivered)],
      [n(r.lost)],
      [n(r.duplicates)],
      [`${(o.durationMs / 1000).toFixed(1)} s`],
      [r.failures.length === 0 ? "ok" : "FAILED"],
    ];
  });
  const widths = HEADERS.map((h, i) =>
    Math.max(h.length, ...rows.flatMap((row) => row[i]!.map((l) => l.length))),
  );
  const numeric = (i: number) => i >= 2 && i <= 8;
  const cell = (text: string, i: number) =>
    numeric(i) ? text.padStart(widths[i]!) : text.padEnd(widths[i]!);
  const line = (cells: string[]) => `| ${cells.map(cell).join(" | ")} |`;
  const rule = `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`;
  const out = [line([...HEADERS]), rule];
  for (const row of rows) {
    const height = Math.max(...row.map((c) => c.length));
    for (let k = 0; k < height; k++) out.push(line(row.map((c) => c[k] ?? "")));
  }
  const failed = outcomes.filter((o) => o.result.failures.length > 0);
  if (failed.length > 0) {
    out.push("", "Failures:");
    for (const o of failed) {
      for (const f of o.result.failures) out.push(`  ${o.name}: ${f}`);
    }
  }
  return out.join("\n");
}
