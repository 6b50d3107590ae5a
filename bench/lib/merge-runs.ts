import type { Figures } from "./figures.ts";
import type { Machine } from "./report.ts";

/** What a run writes to its lab's results.json, and what `--rerender` reads back. */
export interface RunResults {
  machine: Machine;
  figs: Pick<Figures, "all" | "notes" | "sections">;
  quick: boolean;
  sizes: string;
  loadBefore: string;
  loadAfter: string;
  durationS: number;
}

/**
 * Several runs' results as one report's input, for parts measured in separate runs of the same
 * machine (`--only`): figures, notes and sections side by side (each part's anchor is measured in
 * its own part, so a ratio never mixes runs), and the per-run facts (date, code, load) listed run
 * by run. A figure measured by two runs is refused: the report would show one of them silently.
 */
export function mergeRuns(runs: RunResults[]): RunResults {
  const [first, ...rest] = runs;
  if (!first) throw new Error("--rerender: no results file given");
  if (rest.length === 0) return first;
  const seen = new Map<string, number>();
  runs.forEach((run, i) => {
    for (const name of new Set(run.figs.all.map((f) => f.name))) {
      const earlier = seen.get(name);
      if (earlier !== undefined)
        throw new Error(`--rerender: ${name} is measured by runs ${earlier + 1} and ${i + 1}`);
      seen.set(name, i);
    }
  });
  const perRun = (pick: (r: RunResults) => string) =>
    runs.map((r, i) => `run ${i + 1}: ${pick(r)}`).join("; ");
  return {
    machine: {
      ...first.machine,
      date: perRun((r) => r.machine.date),
      commit: perRun((r) => r.machine.commit),
    },
    figs: {
      all: runs.flatMap((r) => r.figs.all),
      notes: runs.flatMap((r) => r.figs.notes),
      sections: runs.flatMap((r) => r.figs.sections),
    },
    quick: runs.some((r) => r.quick),
    sizes: first.sizes,
    loadBefore: perRun((r) => r.loadBefore),
    loadAfter: perRun((r) => r.loadAfter),
    durationS: runs.reduce((s, r) => s + r.durationS, 0),
  };
}
