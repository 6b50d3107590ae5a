import type { FleetSort } from "@scripts-email/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorld, disposeWorld, type World } from "../shared/test-fixtures.ts";
import { fleetPageParams, fleetPageSql } from "./fleet-list-repository.ts";

let w: World;

// The world's clock is 2026-03-10T12:00Z; "now" below is 12:40 within the current hour.
const NOW = "2026-03-10T12:40:00.000Z";
const hour = (h: number) => new Date(Date.UTC(2026, 2, 10, h)).toISOString();

async function volume(
  serviceName: string,
  at: string,
  counts: Partial<Record<"sent" | "failed" | "held" | "spam" | "accepted" | "refused", number>> & {
    recipients?: number;
    recipientsFailed?: number;
  },
) {
  const c = { accepted: 0, sent: 0, failed: 0, held: 0, spam: 0, refused: 0, ...counts };
  await w.db.sql.query(
    `INSERT INTO "HourlyVolume" ("hostingId", hour, accepted, sent, failed, held, spam, refused,
                                 recipients, "recipientsFailed")
     SELECT id, $2::timestamptz, $3, $4, $5, $6, $7, $8, $9, $10 FROM "Hosting"
      WHERE "serviceName" = $1`,
    [
      serviceName,
      at,
      c.accepted,
      c.sent,
      c.failed,
      c.held,
      c.spam,
      c.refused,
      c.recipients ?? 0,
      c.recipientsFailed ?? 0,
    ],
  );
}

const names = (list: { items: Array<{ serviceName: string }> }) =>
  list.items.map((i) => i.serviceName);

beforeAll(async () => {
  w = await createWorld();
  for (const name of ["a-shop.example.org", "b-blog.example.org"]) {
    await w.services.hostings.create({ serviceName: name, ownerEmail: "owner@example.org" });
  }
  // example.org: sends most in the last hour; other.net: most over the day, failures, spam
  await volume("example.org", hour(12), { sent: 30, accepted: 31, recipients: 30 });
  await volume("example.org", hour(11), { sent: 5, recipients: 10, recipientsFailed: 1 });
  await volume("other.net", hour(2), {
    sent: 100,
    failed: 9,
    spam: 4,
    recipients: 20,
    recipientsFailed: 10,
  });
  await volume("other.net", hour(11), { sent: 1, refused: 3 });
  // outside every window: the day before
  await volume("a-shop.example.org", "2026-03-09T11:00:00.000Z", { sent: 1000, held: 1000 });
  await volume("a-shop.example.org", hour(12), { held: 7 });
  w.clock.set("2026-03-10T12:10:00.000Z");
  await w.services.email.request(w.support, "b-blog.example.org", "block", "abuse report");
  w.clock.set("2026-03-10T12:20:00.000Z");
  await w.services.email.request(w.customer, "a-shop.example.org", "block");
  w.clock.set(NOW);
});
afterAll(async () => {
  await disposeWorld(w);
});

describe("the fleet list", () => {
  it("sorts by each counter over the window, ties by service name", async () => {
    const sorted = async (sort: FleetSort, window: "1h" | "24h") =>
      names(await w.services.hostings.list(w.support, { sort, window }));
    expect(await sorted("sent", "1h")).toEqual([
      "example.org",
      "other.net",
      "a-shop.example.org",
      "b-blog.example.org",
    ]);
    expect((await sorted("sent", "24h"))[0]).toBe("other.net");
    expect((await sorted("failed", "24h"))[0]).toBe("other.net");
    expect((await sorted("failed", "1h"))[0]).toBe("a-shop.example.org");
    expect((await sorted("spam", "24h"))[0]).toBe("other.net");
    expect((await sorted("held", "24h"))[0]).toBe("a-shop.example.org");
    // 10 of 20 recipients failed against 1 of 40
    expect(await sorted("bounceRatio", "24h")).toEqual([
      "other.net",
      "example.org",
      "a-shop.example.org",
      "b-blog.example.org",
    ]);
    expect((await sorted("stateChangedAt", "24h")).slice(0, 2)).toEqual([
      "a-shop.example.org",
      "b-blog.example.org",
    ]);
  });

  it("counts the current hour plus the previous 1 or 24 hourly buckets", async () => {
    const list = await w.services.hostings.list(w.support, { window: "1h", q: "example.org" });
    const mine = list.items.find((i) => i.serviceName === "example.org");
    expect(mine?.window).toBe("1h");
    expect(mine?.counters).toEqual({
      accepted: 31,
      sent: 35,
      failed: 0,
      held: 0,
      spam: 0,
      refused: 0,
      bounceRatio: 1 / 40,
    });
    const day = await w.services.hostings.list(w.support, { window: "24h", q: "other.net" });
    expect(day.items[0]?.counters).toMatchObject({ sent: 101, failed: 9, spam: 4, refused: 3 });
    expect(day.items[0]?.counters.bounceRatio).toBe(0.5);
    const hourOnly = await w.services.hostings.list(w.support, { window: "1h", q: "other.net" });
    expect(hourOnly.items[0]?.counters).toMatchObject({ sent: 1, failed: 0, refused: 3 });
    // the day before is in neither window
    const shop = await w.services.hostings.list(w.support, { q: "a-shop" });
    expect(shop.items[0]?.counters).toMatchObject({ sent: 0, held: 7 });
  });

  it("filters by state, cause and search, and says who changed the state", async () => {
    const blocked = await w.services.hostings.list(w.support, { state: "blocked" });
    expect(names(blocked)).toEqual(["a-shop.example.org", "b-blog.example.org"]);
    expect(blocked.total).toBe(2);
    const bySupport = await w.services.hostings.list(w.support, { cause: "support" });
    expect(bySupport.items).toEqual([
      expect.objectContaining({
        serviceName: "b-blog.example.org",
        state: "blocked",
        cause: "support",
        stateChangedAt: "2026-03-10T12:10:00.000Z",
        stateChangedBy: { role: "support", email: "agent@hoster.test" },
      }),
    ]);
    const byCustomer = await w.services.hostings.list(w.support, { cause: "customer" });
    expect(byCustomer.items[0]?.stateChangedBy).toEqual({
      role: "customer",
      email: "owner@example.org",
    });
    const active = await w.services.hostings.list(w.support, { state: "active" });
    expect(names(active)).toEqual(["example.org", "other.net"]);
    expect(active.items[0]).toMatchObject({ cause: null, stateChangedBy: null });
    expect(names(await w.services.hostings.list(w.support, { q: "OTHER@example.NET" }))).toEqual([
      "other.net",
    ]);
    // % and _ are literal
    expect((await w.services.hostings.list(w.support, { q: "%" })).total).toBe(0);
  });

  it("pages with limit and offset and gives the total", async () => {
    const first = await w.services.hostings.list(w.support, { sort: "sent", limit: 3 });
    expect(first.total).toBe(4);
    expect(first.items).toHaveLength(3);
    const rest = await w.services.hostings.list(w.support, { sort: "sent", limit: 3, offset: 3 });
    expect(rest.total).toBe(4);
    expect([...names(first), ...names(rest)].sort()).toEqual([
      "a-shop.example.org",
      "b-blog.example.org",
      "example.org",
      "other.net",
    ]);
    const past = await w.services.hostings.list(w.support, { offset: 10 });
    expect(past).toEqual({ items: [], total: 4 });
  });

  it("a customer sees only their own hostings, whatever the filters", async () => {
    const mine = await w.services.hostings.list(w.customer, { sort: "sent", window: "24h" });
    expect(names(mine)).toEqual(["example.org", "a-shop.example.org", "b-blog.example.org"]);
    expect(mine.total).toBe(3);
    const theirs = await w.services.hostings.list(w.customer, { q: "other" });
    expect(theirs).toEqual({ items: [], total: 0 });
    expect(names(await w.services.hostings.list(w.other, { sort: "bounceRatio" }))).toEqual([
      "other.net",
    ]);
  });

  it("reads the hourly rollup, never Message, for every sort", async () => {
    const sorts: Array<FleetSort | undefined> = [
      undefined,
      "sent",
      "failed",
      "spam",
      "held",
      "bounceRatio",
      "stateChangedAt",
    ];
    for (const sort of sorts) {
      const rows = await w.db.sql.query<{ "QUERY PLAN": string }>(
        `EXPLAIN ${fleetPageSql(sort)}`,
        fleetPageParams({ state: "blocked" }, new Date(hour(11)), 50, 0),
      );
      const plan = rows.map((r) => r["QUERY PLAN"]).join("\n");
      expect(plan).toContain("HourlyVolume");
      expect(plan).not.toMatch(/"?Message"?\b/);
    }
  });
});
