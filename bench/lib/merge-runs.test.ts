import { describe, expect, it } from "vitest";
import { mergeRuns, type RunResults } from "./merge-runs.ts";

const run = (n: number, names: string[]): RunResults => ({
  machine: {
    nproc: 2,
    memoryGiB: 23.5,
    cpuModel: "cpu",
    node: "v20",
    postgres: "15",
    postgresSettings: "fsync=on",
    postfix: "3.7",
    kernel: "6",
    date: `2026-12-0${n}`,
    commit: `c${n}`,
  },
  figs: {
    all: names.map((name) => ({ name, value: n, unit: "ms" })),
    notes: [`note ${n}`],
    sections: [{ title: `section ${n}`, body: "" }],
  },
  quick: false,
  sizes: "full",
  loadBefore: `${n}.0`,
  loadAfter: `${n}.5`,
  durationS: n * 100,
});

describe("results of several bench runs as one report", () => {
  it("keeps one run as it is", () => {
    const one = run(1, ["a"]);
    expect(mergeRuns([one])).toBe(one);
  });

  it("puts the parts side by side and lists each run's date, code and load", () => {
    const merged = mergeRuns([run(1, ["relay.x", "relay.x"]), run(2, ["panel.y"])]);
    expect(merged.figs.all.map((f) => f.name)).toEqual(["relay.x", "relay.x", "panel.y"]);
    expect(merged.figs.notes).toEqual(["note 1", "note 2"]);
    expect(merged.figs.sections.map((s) => s.title)).toEqual(["section 1", "section 2"]);
    expect(merged.machine.commit).toBe("run 1: c1; run 2: c2");
    expect(merged.machine.date).toBe("run 1: 2026-12-01; run 2: 2026-12-02");
    expect(merged.loadBefore).toBe("run 1: 1.0; run 2: 2.0");
    expect(merged.durationS).toBe(300);
  });

  it("refuses a figure that two runs measured, and no run at all", () => {
    expect(() => mergeRuns([run(1, ["a"]), run(2, ["a"])])).toThrow(
      /a is measured by runs 1 and 2/,
    );
    expect(() => mergeRuns([])).toThrow(/no results/);
  });
});
