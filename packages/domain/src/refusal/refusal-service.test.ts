import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createWorld, disposeWorld, type World } from "../shared/test-fixtures.ts";
import { MAX_REFUSAL_SCRIPTS, OTHER_SCRIPTS, type RefusalReason } from "./refusal-reasons.ts";
import type { RefusalCount } from "./refusal-repository.ts";

let w: World;

beforeAll(async () => {
  w = await createWorld();
});
afterAll(async () => {
  await disposeWorld(w);
});
beforeEach(async () => {
  await w.db.sql.query(`DELETE FROM "Refusal"`);
});

const DAY = "2026-03-10";

const count = (
  hosting: RefusalCount["hosting"],
  script: string,
  reason: RefusalReason,
  n = 1,
  day = DAY,
): RefusalCount => ({ hosting, day, script, reason, count: n });

const rows = (hostingId: string) =>
  w.db.sql.query<{ day: string; script: string; reason: string; count: number }>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, script, reason, count FROM "Refusal"
      WHERE "hostingId" = $1::uuid ORDER BY day, script, reason`,
    [hostingId],
  );

describe("refusals", () => {
  it("adds counts per hosting, day, script and reason, by id or by service name", async () => {
    const refusals = w.services.mail.refusals;
    const h = { id: w.hosting.id };
    await refusals.record([
      count(h, "contact.php", "daily_limit", 3),
      count(h, "contact.php", "from_header"),
      count({ serviceName: "example.org" }, "smtp", "auth", 2),
      count({ serviceName: "nobody.example" }, "smtp", "auth", 5), // no such hosting: skipped
      count(h, "contact.php", "daily_limit", 1, "2026-03-09"),
    ]);
    await refusals.record([
      count(h, "contact.php", "daily_limit", 2),
      count({ serviceName: "example.org" }, "smtp", "auth"),
      // a reason outside the closed set is never stored
      count(h, "contact.php", "whatever" as RefusalReason),
    ]);
    expect(await rows(w.hosting.id)).toEqual([
      { day: "2026-03-09", script: "contact.php", reason: "daily_limit", count: 1 },
      { day: DAY, script: "contact.php", reason: "daily_limit", count: 5 },
      { day: DAY, script: "contact.php", reason: "from_header", count: 1 },
      { day: DAY, script: "smtp", reason: "auth", count: 3 },
    ]);
    expect(await rows(w.otherHosting.id)).toEqual([]);
  });

  it("keeps at most the cap of distinct scripts a hosting and day, the rest under (other)", async () => {
    const refusals = w.services.mail.refusals;
    const h = { id: w.hosting.id };
    const first = Array.from({ length: MAX_REFUSAL_SCRIPTS - 2 }, (_, i) =>
      count(h, `s${String(i).padStart(2, "0")}.php`, "daily_limit"),
    );
    await refusals.record(first);
    // five new scripts for two places: the most refused get them
    await refusals.record([
      count(h, "a.php", "size", 1),
      count(h, "b.php", "size", 9),
      count(h, "c.php", "size", 4),
      count(h, "d.php", "message", 2),
      count(h, "e.php", "size", 1),
      count(h, "s00.php", "size", 1), // a known script keeps its name
    ]);
    // the next day starts afresh
    await refusals.record([count(h, "a.php", "size", 1, "2026-03-11")]);
    const stored = await rows(w.hosting.id);
    const today = stored.filter((r) => r.day === DAY);
    const scripts = new Set(today.map((r) => r.script));
    expect(scripts.size).toBe(MAX_REFUSAL_SCRIPTS + 1);
    expect(scripts).toContain("b.php");
    expect(scripts).toContain("c.php");
    expect(scripts).not.toContain("a.php");
    expect(scripts).not.toContain("d.php");
    expect(today.filter((r) => r.script === OTHER_SCRIPTS)).toEqual([
      { day: DAY, script: OTHER_SCRIPTS, reason: "message", count: 2 },
      { day: DAY, script: OTHER_SCRIPTS, reason: "size", count: 2 },
    ]);
    expect(today.filter((r) => r.script === "s00.php").map((r) => r.reason)).toEqual([
      "daily_limit",
      "size",
    ]);
    // once full, a new script goes to (other) straight away
    await refusals.record([count(h, "f.php", "auth", 3)]);
    expect(
      (await rows(w.hosting.id)).find((r) => r.script === OTHER_SCRIPTS && r.reason === "auth"),
    ).toMatchObject({ count: 3 });
    expect(stored.filter((r) => r.day === "2026-03-11")).toEqual([
      { day: "2026-03-11", script: "a.php", reason: "size", count: 1 },
    ]);
  });
});
