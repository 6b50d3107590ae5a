import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  call,
  createTestApp,
  errorCodeOf,
  seedWorld,
  type TestApp,
  type World,
} from "../testing/fixtures.ts";

let t: TestApp;
let w: World;
let url: string;
let otherChangeId: string;

const START = Date.parse("2026-03-01T10:00:00.000Z");

beforeAll(async () => {
  t = await createTestApp();
  w = await seedWorld(t, "hist");
  url = `/api/hostings/${w.hosting.serviceName}/email/history`;
  // 25 changes, one a minute, except three made in the same millisecond (the id breaks the tie)
  for (let i = 0; i < 25; i++) {
    const minute = i >= 10 && i <= 12 ? 10 : i;
    await t.db.prisma.stateChange.create({
      data: {
        hostingId: w.hosting.id,
        from: i % 2 === 0 ? "active" : "blocked",
        to: i % 2 === 0 ? "blocked" : "active",
        at: new Date(START + minute * 60_000),
        actorRole: "customer",
        reason: `change ${i}`,
      },
    });
  }
  const other = await t.db.prisma.stateChange.create({
    data: {
      hostingId: w.otherHosting.id,
      from: "active",
      to: "blocked",
      at: new Date(START + 30 * 60_000),
      actorRole: "customer",
    },
  });
  otherChangeId = other.id;
});
afterAll(() => t?.close());

interface Change {
  id: string;
  reason: string;
}

async function page(query: string): Promise<Change[]> {
  const res = await call(t.app, w.owner, "GET", `${url}${query}`);
  expect(res.statusCode).toBe(200);
  return res.json<Change[]>();
}

describe("GET /api/hostings/:serviceName/email/history, paged", () => {
  it("still answers every change, newest first, when asked without paging", async () => {
    const all = await page("");
    expect(all).toHaveLength(25);
    expect(all[0]?.reason).toBe("change 24");
    expect(all.at(-1)?.reason).toBe("change 0");
  });

  it("pages through the changes by `limit` and `before`, none twice or left out", async () => {
    const all = await page("");
    const first = await page("?limit=10");
    const second = await page(`?limit=10&before=${first.at(-1)?.id}`);
    const third = await page(`?limit=10&before=${second.at(-1)?.id}`);
    expect([first.length, second.length, third.length]).toEqual([10, 10, 5]);
    expect([...first, ...second, ...third].map((c) => c.id)).toEqual(all.map((c) => c.id));
    expect(await page(`?limit=10&before=${third.at(-1)?.id}`)).toEqual([]);
  });

  it("gives nothing older than another hosting's change", async () => {
    expect(await page(`?before=${otherChangeId}`)).toEqual([]);
  });

  it("keeps other customers out and refuses bad paging", async () => {
    const res = await call(t.app, w.other, "GET", `${url}?limit=10`);
    expect(res.statusCode).toBe(404);
    for (const bad of ["limit=0", "limit=201", "limit=abc", "limit=1.5", "before=12"]) {
      const refused = await call(t.app, w.owner, "GET", `${url}?${bad}`);
      expect(refused.statusCode, bad).toBe(400);
      expect(errorCodeOf(refused)).toBe("validation_failed");
    }
  });
});
