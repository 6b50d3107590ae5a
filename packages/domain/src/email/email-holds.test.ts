import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createWorld,
  disposeWorld,
  insertMessages,
  resetWorld,
  statusCounts,
  type World,
} from "../shared/test-fixtures.ts";

// Issue 14: the hold job holds a held script's mail that was queued before the script was held,
// and never holds again mail released by hand (it goes out even while the hosting is blocked).

let w: World;

beforeAll(async () => {
  w = await createWorld();
});
afterAll(async () => {
  await disposeWorld(w);
});
beforeEach(async () => {
  await resetWorld(w);
  await w.db.prisma.hosting.updateMany({ data: { heldScripts: [] } });
  w.clock.set("2026-03-10T12:00:00.000Z");
});

/** `count` messages of `hostingId` with this script and status (released or not). */
async function seed(
  hostingId: string,
  count: number,
  script: string,
  status: "queued" | "held",
  released = false,
): Promise<string[]> {
  const ids = await insertMessages(w.db, hostingId, count, { status });
  await w.db.prisma.message.updateMany({ where: { id: { in: ids } }, data: { script, released } });
  return ids;
}

const byScript = async (hostingId: string) => {
  const rows = await w.db.prisma.message.groupBy({
    by: ["script", "status"],
    where: { hostingId },
    _count: { _all: true },
    orderBy: [{ script: "asc" }, { status: "asc" }],
  });
  return rows.map((r) => `${r.script} ${r.status} ${r._count._all}`);
};

const heldToday = async (hostingId: string) =>
  (
    await w.db.prisma.dailyVolume.findUnique({
      where: { hostingId_day: { hostingId, day: new Date("2026-03-10T00:00:00.000Z") } },
    })
  )?.held ?? 0;

describe("runHolds and held scripts", () => {
  it("holds, in batches, the queued mail of a script held after it was queued, and only that", async () => {
    const h = w.hosting.id;
    await seed(h, 7, "hacked.php", "queued");
    await seed(h, 3, "order.php", "queued");
    await seed(h, 2, "hacked.php", "queued", true); // released by hand: goes out all the same
    await seed(w.otherHosting.id, 4, "hacked.php", "queued"); // not held on the other site
    expect(await w.services.email.runHolds(3)).toBe(0);

    await w.db.prisma.hosting.update({ where: { id: h }, data: { heldScripts: ["hacked.php"] } });
    expect(await w.services.email.runHolds(3)).toBe(7);
    expect(await byScript(h)).toEqual([
      "hacked.php queued 2",
      "hacked.php held 7",
      "order.php queued 3",
    ]);
    expect(await statusCounts(w.db, w.otherHosting.id)).toEqual({ queued: 4 });
    expect(await heldToday(h)).toBe(7);
    // nothing left to do: the hosting is not even looked at again
    expect(await w.services.email.runHolds(3)).toBe(0);
  });

  it("leaves a held script's mail held when the hosting's held mail is released after an unblock", async () => {
    const h = w.hosting.id;
    await w.db.prisma.hosting.update({ where: { id: h }, data: { heldScripts: ["hacked.php"] } });
    await seed(h, 4, "hacked.php", "held");
    await seed(h, 3, "order.php", "held");
    expect(await w.services.email.runReleases(2)).toBe(3);
    expect(await byScript(h)).toEqual(["hacked.php held 4", "order.php queued 3"]);
    // and, its script no longer held, it is released like the rest
    await w.db.prisma.hosting.update({ where: { id: h }, data: { heldScripts: [] } });
    expect(await w.services.email.runReleases(2)).toBe(4);
  });

  it("never releases mail flagged as spam after an unblock: it stays held", async () => {
    const h = w.hosting.id;
    const spam = await seed(h, 3, "hacked.php", "held");
    await w.db.prisma.message.updateMany({ where: { id: { in: spam } }, data: { spam: true } });
    await seed(h, 2, "order.php", "held");
    expect(await w.services.email.runReleases(10)).toBe(2);
    expect(await byScript(h)).toEqual(["hacked.php held 3", "order.php queued 2"]);
    expect(await w.services.email.runReleases(10)).toBe(0);
  });

  it("holds a blocked hosting's queued mail but not the mail released by hand", async () => {
    const h = w.hosting.id;
    await seed(h, 5, "order.php", "queued");
    await seed(h, 2, "order.php", "queued", true);
    await w.services.email.request(w.customer, "example.org", "block");
    expect(await w.services.email.runHolds(2)).toBe(5);
    expect(await statusCounts(w.db, h)).toEqual({ held: 5, queued: 2 });
    expect(await heldToday(h)).toBe(5);
    expect(await w.services.email.runHolds(2)).toBe(0);
  });
});
