import { expect, it } from "vitest";
import { GroupCommit } from "./group-commit.ts";

function recorder() {
  const batches: number[][] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const gate: Array<() => void> = [];
  const batcher = new GroupCommit<number, string>(async (items) => {
    batches.push(items);
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    await new Promise<void>((resolve) => gate.push(resolve));
    inFlight--;
    return items.map((n) => (n < 0 ? new Error(`bad ${n}`) : `ok ${n}`));
  });
  return { batcher, batches, gate, maxInFlight: () => maxInFlight };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

it("stores what arrives in the same turn together, and what arrives during a commit next", async () => {
  const r = recorder();
  const first = [1, 2, 3].map((n) => r.batcher.submit(n));
  await turn();
  expect(r.batches).toEqual([[1, 2, 3]]); // not three one-item batches
  const second = [4, 5].map((n) => r.batcher.submit(n));
  await turn();
  expect(r.batches).toHaveLength(1); // the next batch waits for the commit in flight
  r.gate.shift()?.();
  expect(await Promise.all(first)).toEqual(["ok 1", "ok 2", "ok 3"]);
  await turn();
  expect(r.batches).toEqual([
    [1, 2, 3],
    [4, 5],
  ]);
  r.gate.shift()?.();
  expect(await Promise.all(second)).toEqual(["ok 4", "ok 5"]);
  expect(r.maxInFlight()).toBe(1);
});

it("fails only the items whose result is an error, and every item when the batch throws", async () => {
  const r = recorder();
  const results = [7, -1].map((n) => r.batcher.submit(n).catch((e: Error) => e.message));
  await turn();
  r.gate.shift()?.();
  expect(await Promise.all(results)).toEqual(["ok 7", "bad -1"]);

  let away = true;
  const flaky = new GroupCommit<number, number>(async (items) => {
    if (away) throw new Error("database away");
    return items;
  });
  await expect(Promise.all([flaky.submit(1), flaky.submit(2)])).rejects.toThrow("database away");
  away = false; // and it goes on working afterwards
  expect(await flaky.submit(3)).toBe(3);
});

it("stores a failed batch again in halves, so that only the item that fails alone gets an error", async () => {
  const runs: number[][] = [];
  const committed: number[] = [];
  const batcher = new GroupCommit<number, number>(async (items) => {
    runs.push(items);
    if (items.includes(13)) throw new Error(`cannot store ${items.length}`);
    committed.push(...items);
    return items;
  });
  const items = Array.from({ length: 32 }, (_, i) => i);
  const answers = await Promise.all(
    items.map((n) => batcher.submit(n).catch((e: Error) => e.message)),
  );
  expect(answers).toEqual(items.map((n) => (n === 13 ? "cannot store 1" : n)));
  expect(runs[0]).toEqual(items);
  // 1 + 2 per halving (log2 32 = 5), not one transaction per item
  expect(runs).toHaveLength(11);
  expect(committed.sort((a, b) => a - b)).toEqual(items.filter((n) => n !== 13)); // each once
});

it("stops splitting on a failure of the store itself: every item left gets it", async () => {
  let runs = 0;
  let away = true;
  const batcher = new GroupCommit<number, number>(
    async (items) => {
      runs++;
      if (away) throw new Error("database away");
      return items;
    },
    { isStoreFailure: (e) => (e as Error).message === "database away" },
  );
  const answers = await Promise.all(
    [1, 2, 3, 4].map((n) => batcher.submit(n).catch((e: Error) => e.message)),
  );
  expect(answers).toEqual(Array(4).fill("database away"));
  expect(runs).toBe(1);
  away = false;
  expect(await batcher.submit(5)).toBe(5);
});
