import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HOUR } from "../clock.ts";
import { createServices } from "../index.ts";
import {
  createWorld,
  disposeWorld,
  errorCode,
  resetWorld,
  statusCounts,
  type World,
} from "../shared/test-fixtures.ts";
import { insertSelectable, purgedOn, queueCount } from "./selection-fixtures.ts";

let w: World;

beforeAll(async () => {
  // the tests step the jobs themselves
  w = await createWorld({ startSelectionJobs: false });
});
afterAll(async () => {
  await disposeWorld(w);
});
beforeEach(async () => {
  await resetWorld(w);
  await w.db.prisma.selectionJob.deleteMany();
  w.clock.set("2026-03-10T12:00:00.000Z");
});

const S = "example.org";
const REASON = "customer asked on the phone";

/** Held order mail, held spam and queued mail of the hosting. */
async function incident() {
  const h = w.hosting.id;
  return {
    orders: await insertSelectable(w.db, h, 3, { status: "held", script: "order.php" }),
    spam: await insertSelectable(w.db, h, 2, { status: "held", spam: true, script: "hack.php" }),
    queued: await insertSelectable(w.db, h, 1, { status: "queued", script: "order.php" }),
  };
}

async function flags(ids: string[]) {
  const rows = await w.db.sql.query<{ id: string; status: string; released: boolean }>(
    `SELECT id::text AS id, status::text AS status, released FROM "Message"
      WHERE id = ANY($1::uuid[]) ORDER BY id`,
    [ids],
  );
  return rows.map((r) => `${r.status}${r.released ? "+released" : ""}`);
}

async function audits(action: string) {
  return w.db.prisma.auditEntry.findMany({ where: { action }, orderBy: { at: "asc" } });
}

describe("select: the rules", () => {
  it("counts at once, for anyone who sees the hosting; others get not_found", async () => {
    await incident();
    expect(
      await w.services.selection.select(w.customer, S, { action: "count", filter: {} }),
    ).toEqual({ matched: 6 });
    expect(
      await w.services.selection.select(w.support, S, { action: "count", filter: {} }),
    ).toEqual({ matched: 6 });
    expect(
      await errorCode(w.services.selection.select(w.other, S, { action: "count", filter: {} })),
    ).toBe("not_found");
    expect(await w.db.prisma.selectionJob.count()).toBe(0);
  });

  it("support must give a reason to release or delete", async () => {
    await incident();
    for (const action of ["release", "delete"] as const) {
      expect(
        await errorCode(w.services.selection.select(w.support, S, { action, filter: {} })),
      ).toBe("reason_required");
      expect(
        await errorCode(
          w.services.selection.select(w.support, S, { action, filter: {}, reason: "  " }),
        ),
      ).toBe("reason_required");
    }
    expect(await w.db.prisma.selectionJob.count()).toBe(0);
  });

  it("a customer may not release spam: status spam, or ids among which some are spam", async () => {
    const { orders, spam } = await incident();
    for (const filter of [
      { status: ["spam" as const] },
      { status: ["held" as const, "spam" as const] },
      { ids: [orders[0]!, spam[0]!] },
    ]) {
      expect(
        await errorCode(w.services.selection.select(w.customer, S, { action: "release", filter })),
      ).toBe("spam_release_forbidden");
    }
    expect(await w.db.prisma.selectionJob.count()).toBe(0);
    // but may delete it
    const deleted = await w.services.selection.select(w.customer, S, {
      action: "delete",
      filter: { status: ["spam"] },
    });
    expect(deleted).toMatchObject({ matched: 2 });
  });

  it("a customer's release without a status covers held and queued mail, never spam", async () => {
    const { orders, spam, queued } = await incident();
    const answer = await w.services.selection.select(w.customer, S, {
      action: "release",
      filter: {},
    });
    expect(answer).toEqual({ jobId: expect.any(String), matched: 4 });
    expect(await w.services.selection.runJobs()).toBe(4);
    expect(await flags(orders)).toEqual(Array(3).fill("queued+released"));
    expect(await flags(queued)).toEqual(["queued+released"]);
    expect(await flags(spam)).toEqual(["held", "held"]);
    // asked again, nothing is left to release: the released mail is not counted twice
    const again = await w.services.selection.select(w.customer, S, {
      action: "release",
      filter: {},
    });
    expect(again).toMatchObject({ matched: 0 });
    expect(await w.services.selection.runJobs()).toBe(0);
    const job = await w.services.selection.job(w.customer, S, (answer as { jobId: string }).jobId);
    expect(job).toMatchObject({
      action: "release",
      filter: { status: ["held", "queued"] },
      state: "finished",
      matched: 4,
      done: 4,
      actorRole: "customer",
      actorEmail: "owner@example.org",
      reason: null,
      finishedAt: "2026-03-10T12:00:00.000Z",
    });
  });

  it("support may release spam with a reason; released mail is due now", async () => {
    const { spam } = await incident();
    w.clock.set("2026-03-10T12:05:00.000Z");
    const answer = await w.services.selection.select(w.support, S, {
      action: "release",
      filter: { status: ["spam"] },
      reason: REASON,
    });
    expect(answer).toMatchObject({ matched: 2 });
    await w.services.selection.runJobs();
    expect(await flags(spam)).toEqual(["queued+released", "queued+released"]);
    const rows = await w.db.prisma.message.findMany({ where: { id: { in: spam } } });
    for (const r of rows) {
      expect(r.nextAttemptAt?.toISOString()).toBe("2026-03-10T12:05:00.000Z");
      expect(r.spam).toBe(true);
    }
  });
});

describe("jobs", () => {
  it("delete runs in batches: done grows after each, then finished; counts follow", async () => {
    const h = w.hosting.id;
    const held = await insertSelectable(w.db, h, 25, { status: "held", script: "hack.php" });
    await insertSelectable(w.db, h, 4, { status: "held", script: "order.php" });
    expect(await queueCount(w.db, h)).toEqual({ held: 29, queued: 0 });
    const { jobId } = (await w.services.selection.select(w.customer, S, {
      action: "delete",
      filter: { script: "hack.php" },
    })) as { jobId: string };
    const job = () => w.services.selection.job(w.customer, S, jobId);
    expect(await job()).toMatchObject({ state: "running", matched: 25, done: 0 });

    expect(await w.services.selection.runJobs(10, 1)).toBe(10);
    expect(await job()).toMatchObject({ state: "running", done: 10, finishedAt: null });
    // counted as each batch commits
    expect(await queueCount(w.db, h)).toEqual({ held: 19, queued: 0 });
    expect(await purgedOn(w.db, h, "2026-03-10")).toBe(10);

    expect(await w.services.selection.runJobs(10, 1)).toBe(10);
    expect(await job()).toMatchObject({ state: "running", done: 20 });
    w.clock.set("2026-03-10T12:01:00.000Z");
    expect(await w.services.selection.runJobs(10, 1)).toBe(5);
    expect(await job()).toMatchObject({
      state: "finished",
      done: 25,
      finishedAt: "2026-03-10T12:01:00.000Z",
    });
    expect(await w.services.selection.runJobs(10)).toBe(0);

    expect(await statusCounts(w.db, h)).toEqual({ purged: 25, held: 4 });
    expect(await queueCount(w.db, h)).toEqual({ held: 4, queued: 0 });
    expect(await purgedOn(w.db, h, "2026-03-10")).toBe(25);
    const rows = await w.db.prisma.message.findMany({ where: { id: { in: held } } });
    expect(rows.every((r) => r.raw === null && r.status === "purged")).toBe(true);

    // the trace: who, when, the filter, how many matched and were done
    const [entry] = await audits("email.selection.delete");
    expect(entry).toMatchObject({
      actorId: w.customer.userId,
      actorRole: "customer",
      hostingId: h,
      at: new Date("2026-03-10T12:00:00.000Z"),
      details: { jobId, filter: { script: "hack.php" }, matched: 25, done: 25, state: "finished" },
    });
  });

  it("release moves held mail to queued in the kept counts", async () => {
    const h = w.hosting.id;
    await insertSelectable(w.db, h, 5, { status: "held" });
    await insertSelectable(w.db, h, 2, { status: "queued" });
    await w.services.selection.select(w.support, S, {
      action: "release",
      filter: { status: ["held"] },
      reason: REASON,
    });
    await w.services.selection.runJobs(2);
    expect(await queueCount(w.db, h)).toEqual({ held: 0, queued: 7 });
    expect(await purgedOn(w.db, h, "2026-03-10")).toBe(0);
    const [entry] = await audits("email.selection.release");
    expect(entry).toMatchObject({ actorRole: "support", reason: REASON });
    expect(entry?.details).toMatchObject({ matched: 5, done: 5, filter: { status: ["held"] } });
  });

  it("several runners at once handle each message once and finish each job once", async () => {
    const h = w.hosting.id;
    await insertSelectable(w.db, h, 1500, { status: "held", script: "hack.php" });
    await insertSelectable(w.db, h, 1500, { status: "held", script: "order.php" });
    const del = (await w.services.selection.select(w.customer, S, {
      action: "delete",
      filter: { script: "hack.php" },
    })) as { jobId: string };
    const rel = (await w.services.selection.select(w.customer, S, {
      action: "release",
      filter: { script: "order.php" },
    })) as { jobId: string };
    // separate service instances share nothing but the database, like separate processes
    const runners = Array.from({ length: 4 }, () =>
      createServices({ db: w.db, clock: w.clock, startSelectionJobs: false }),
    );
    const counts = await Promise.all(runners.map((s) => s.selection.runJobs(100)));
    // a runner that found a job locked by another left it: the next run finishes what is left
    const rerun = await w.services.selection.runJobs(100);
    expect(counts.reduce((a, b) => a + b, 0) + rerun).toBe(3000);
    for (const { jobId } of [del, rel]) {
      expect(await w.services.selection.job(w.customer, S, jobId)).toMatchObject({
        state: "finished",
        matched: 1500,
        done: 1500,
      });
    }
    expect(await statusCounts(w.db, h)).toEqual({ purged: 1500, queued: 1500 });
    expect(await purgedOn(w.db, h, "2026-03-10")).toBe(1500);
    expect(await queueCount(w.db, h)).toEqual({ held: 0, queued: 1500 });
  }, 60_000);

  it("lists the latest jobs newest first; support staff stay anonymous to customers", async () => {
    await insertSelectable(w.db, w.hosting.id, 2, { status: "held" });
    await w.services.selection.select(w.customer, S, { action: "delete", filter: {} });
    w.clock.set("2026-03-10T12:01:00.000Z");
    const { jobId } = (await w.services.selection.select(w.support, S, {
      action: "release",
      filter: {},
      reason: REASON,
    })) as { jobId: string };
    const mine = await w.services.selection.jobs(w.customer, S);
    expect(mine.items.map((j) => [j.action, j.actorRole, j.actorEmail])).toEqual([
      ["release", "support", null],
      ["delete", "customer", "owner@example.org"],
    ]);
    const theirs = await w.services.selection.jobs(w.support, S);
    expect(theirs.items[0]?.actorEmail).toBe("agent@hoster.test");
    expect(await errorCode(w.services.selection.job(w.other, S, jobId))).toBe("not_found");
    expect(await errorCode(w.services.selection.job(w.other, "other.net", jobId))).toBe(
      "not_found",
    );
    expect(await errorCode(w.services.selection.job(w.customer, S, "not-a-uuid"))).toBe(
      "not_found",
    );
    expect((await w.services.selection.jobs(w.other, "other.net")).items).toEqual([]);
  });

  it("a job whose batch fails is marked failed and its trace says so", async () => {
    await insertSelectable(w.db, w.hosting.id, 3, { status: "held" });
    const { jobId } = (await w.services.selection.select(w.customer, S, {
      action: "delete",
      filter: {},
    })) as { jobId: string };
    // a filter no statement can run (stored by hand: the API never lets one through)
    await w.db.sql.query(
      `UPDATE "SelectionJob" SET filter = '{"from": "not a time"}'::jsonb WHERE id = $1::uuid`,
      [jobId],
    );
    expect(await w.services.selection.runJobs()).toBe(0);
    const row = await w.db.prisma.selectionJob.findUniqueOrThrow({ where: { id: jobId } });
    expect(row.state).toBe("failed");
    expect(row.error).toMatch(/timestamp|time/i);
    expect(row.finishedAt).not.toBeNull();
    const [entry] = await audits("email.selection.delete");
    expect(entry?.details).toMatchObject({ state: "failed", done: 0 });
    expect(await statusCounts(w.db, w.hosting.id)).toEqual({ held: 3 });
  });
});

describe("purged mail", () => {
  it("stays listable as purged, then retention deletes it in batches", async () => {
    const h = w.hosting.id;
    const old = await insertSelectable(w.db, h, 3, { status: "held", subject: "old spam" });
    await w.services.selection.select(w.customer, S, {
      action: "delete",
      filter: { subject: "old spam" },
    });
    await w.services.selection.runJobs();
    const page = await w.services.messages.list(w.customer, S, { status: "purged", limit: 50 });
    expect(page.items.map((m) => m.id).sort()).toEqual([...old].sort());

    // purged two days later: kept until its own retention period is over
    w.clock.set("2026-03-12T12:00:00.000Z");
    const recent = await insertSelectable(w.db, h, 2, { status: "held", subject: "new spam" });
    await w.services.selection.select(w.customer, S, {
      action: "delete",
      filter: { subject: "new spam" },
    });
    await w.services.selection.runJobs();

    w.clock.set(new Date(new Date("2026-03-10T12:00:00.000Z").getTime() + 7 * 24 * HOUR + 1));
    expect(await w.services.mail.delivery.dropOldContent(2)).toBe(3);
    const left = await w.services.messages.list(w.customer, S, { status: "purged", limit: 50 });
    expect(left.items.map((m) => m.id).sort()).toEqual([...recent].sort());
  });

  it("a whole purge is audited for customers too, with how many it purged", async () => {
    await insertSelectable(w.db, w.hosting.id, 4, { status: "held" });
    await w.services.email.request(w.customer, S, "block");
    await w.services.email.request(w.customer, S, "purge");
    w.clock.set("2026-03-10T12:01:00.000Z");
    expect(await w.services.email.runPurges(3)).toBe(4);
    expect(await audits("email.purge")).toMatchObject([
      { actorRole: "customer", actorId: w.customer.userId },
    ]);
    expect(await audits("email.purge_finished")).toMatchObject([
      { actorRole: "system", details: { purged: 4, startedAt: "2026-03-10T12:00:00.000Z" } },
    ]);
    const page = await w.services.messages.list(w.customer, S, { status: "purged", limit: 50 });
    expect(page.items).toHaveLength(4);
  });
});
