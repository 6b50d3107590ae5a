import { expect, it } from "vitest";
import { uuidV7 } from "./uuid-v7.ts";

it("makes RFC 9562 version 7 ids that carry their millisecond and follow their making order", () => {
  const at = new Date("2026-11-29T11:50:00.123Z");
  const ids = Array.from({ length: 10_000 }, () => uuidV7(at));
  expect(new Set(ids).size).toBe(ids.length);
  expect([...ids].sort()).toEqual(ids);
  for (const id of ids.slice(0, 300)) {
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Number.parseInt(id.replaceAll("-", "").slice(0, 12), 16)).toBe(at.getTime());
  }
  const later = uuidV7(new Date(at.getTime() + 1));
  expect(ids.every((id) => id < later)).toBe(true);
});

it("draws fresh random bits for each new millisecond", () => {
  const ids = Array.from({ length: 600 }, (_, i) => uuidV7(new Date(1_700_000_000_000 + i)));
  const tails = new Set(ids.map((id) => id.slice(-12)));
  expect(tails.size).toBe(ids.length); // many refills of the random pool, no repeat
  expect([...ids].sort()).toEqual(ids);
});
