import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SYSTEM } from "../actor.ts";
import { createWorld, disposeWorld, errorCode, type World } from "../shared/test-fixtures.ts";
import { MAX_REFUSAL_ROWS } from "./refusal-read-repository.ts";

let w: World;

beforeAll(async () => {
  w = await createWorld(); // clock: 2026-03-10T12:00Z
});
afterAll(async () => {
  await disposeWorld(w);
});
beforeEach(async () => {
  await w.db.sql.query(`DELETE FROM "Refusal"`);
});

const day = (iso: string) => new Date(`${iso}T00:00:00.000Z`);

async function refuse(hostingId: string, date: string, script: string, reason: string, count = 1) {
  await w.db.prisma.refusal.create({
    data: { hostingId, day: day(date), script, reason, count },
  });
}

describe("the refusals list", () => {
  it("lists the period's rows newest day first, then the most refused, with the total", async () => {
    const h = w.hosting.id;
    await refuse(h, "2026-03-10", "contact.php", "daily_limit", 12);
    await refuse(h, "2026-03-10", "smtp", "auth", 30);
    await refuse(h, "2026-03-09", "smtp", "suppressed", 2);
    await refuse(h, "2026-03-04", "old.php", "size", 1); // the 7th day back: in 7, not in 1
    await refuse(h, "2026-03-03", "older.php", "size", 100); // the 8th: in neither
    await refuse(w.otherHosting.id, "2026-03-10", "smtp", "auth", 5);

    expect(await w.services.refusals.list(w.customer, "example.org", 7)).toEqual({
      items: [
        { date: "2026-03-10", script: "smtp", reason: "auth", count: 30 },
        { date: "2026-03-10", script: "contact.php", reason: "daily_limit", count: 12 },
        { date: "2026-03-09", script: "smtp", reason: "suppressed", count: 2 },
        { date: "2026-03-04", script: "old.php", reason: "size", count: 1 },
      ],
      total: 45,
      truncated: false,
    });
    const today = await w.services.refusals.list(w.support, "example.org", 1);
    expect(today.items.map((r) => r.script)).toEqual(["smtp", "contact.php"]);
    expect(today.total).toBe(42);
    expect(await w.services.refusals.list(w.customer, "example.org", 30)).toMatchObject({
      total: 145,
    });
  });

  it("answers an empty list, and hides other customers' hostings", async () => {
    expect(await w.services.refusals.list(w.customer, "example.org", 7)).toEqual({
      items: [],
      total: 0,
      truncated: false,
    });
    expect(await errorCode(w.services.refusals.list(w.other, "example.org", 7))).toBe("not_found");
    expect(await errorCode(w.services.refusals.list(SYSTEM, "absent.example", 7))).toBe(
      "not_found",
    );
    expect(
      await errorCode(w.services.refusals.list(w.customer, "example.org", 3 as 1 | 7 | 30)),
    ).toBe("validation_failed");
  });

  it("is bounded: past the most rows it answers, it says so and still counts everything", async () => {
    const rows = MAX_REFUSAL_ROWS + 10;
    await w.db.sql.query(
      `INSERT INTO "Refusal" ("hostingId", day, script, reason, count)
       SELECT $1::uuid, DATE '2026-03-01' + (n % 10), 's' || n || '.php', 'size', 1
         FROM generate_series(1, $2::int) AS n`,
      [w.hosting.id, rows],
    );
    const list = await w.services.refusals.list(w.customer, "example.org", 30);
    expect(list.items).toHaveLength(MAX_REFUSAL_ROWS);
    expect(list.total).toBe(rows);
    expect(list.truncated).toBe(true);
    expect(list.items[0]?.date).toBe("2026-03-10");
  });
});
