import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HOUR } from "../clock.ts";
import { createServices } from "../index.ts";
import {
  createWorld,
  disposeWorld,
  insertMessages,
  resetWorld,
  statusCounts,
  type World,
} from "../shared/test-fixtures.ts";
import { EmailJobsRepository } from "./email-jobs-repository.ts";

let w: World;

beforeAll(async () => {
  w = await createWorld();
});
afterAll(async () => {
  await disposeWorld(w);
});
beforeEach(async () => {
  await resetWorld(w);
  w.clock.set("2026-03-10T12:00:00.000Z");
});

const state = async (serviceName = "example.org") =>
  (await w.db.prisma.hosting.findUniqueOrThrow({ where: { serviceName } })).state;

const at = (iso: string) => new Date(iso);

describe("runPurges", () => {
  it("purges only the held mail accepted before the purge, then returns to active", async () => {
    const h = w.hosting.id;
    await insertMessages(w.db, h, 7, { status: "queued" }, (i) =>
      at(`2026-03-10T10:0${i}:00.000Z`),
    );
    await insertMessages(w.db, h, 2, { status: "sent" });
    await w.services.email.request(w.customer, "example.org", "block");
    // mail keeps arriving while blocked, and is held
    w.clock.set("2026-03-10T12:30:00.000Z");
    await insertMessages(w.db, h, 3, {
      status: "held",
      acceptedAt: at("2026-03-10T12:20:00.000Z"),
    });
    await w.services.email.request(w.customer, "example.org", "purge");
    // arrives during purging: must survive
    const late = await insertMessages(w.db, h, 2, {
      status: "held",
      acceptedAt: at("2026-03-10T12:31:00.000Z"),
    });
    // another hosting's held mail is untouched
    await w.services.email.request(w.other, "other.net", "block");
    await insertMessages(w.db, w.otherHosting.id, 4, { status: "held" });

    w.clock.set("2026-03-10T12:35:00.000Z");
    const purged = await w.services.email.runPurges(3);

    expect(purged).toBe(10);
    // purged mail stays listable, without its content, until retention removes it
    expect(await statusCounts(w.db, h)).toEqual({ held: 2, sent: 2, purged: 10 });
    const gone = await w.db.prisma.message.findMany({ where: { hostingId: h, status: "purged" } });
    expect(gone.every((m) => m.raw === null)).toBe(true);
    const left = await w.db.prisma.message.findMany({ where: { hostingId: h, status: "held" } });
    expect(left.map((m) => m.id).sort()).toEqual([...late].sort());
    expect(await statusCounts(w.db, w.otherHosting.id)).toEqual({ held: 4 });
    expect(await state()).toBe("active");
    expect(await state("other.net")).toBe("blocked");

    const status = await w.services.email.status(w.customer, "example.org");
    expect(status).toMatchObject({ state: "active", blockedBy: null, stateReason: null });
    expect(status.stateChangedAt).toBe("2026-03-10T12:35:00.000Z");
    const [last] = await w.services.email.history(w.customer, "example.org");
    expect(last).toMatchObject({
      from: "purging",
      to: "active",
      actorRole: "system",
      actorEmail: null,
      reason: null,
      at: "2026-03-10T12:35:00.000Z",
    });
    const volume = await w.db.prisma.dailyVolume.findUniqueOrThrow({
      where: { hostingId_day: { hostingId: h, day: at("2026-03-10T00:00:00.000Z") } },
    });
    expect(volume.purged).toBe(10);

    // the surviving held mail is released like after an unblock
    expect(await w.services.email.runReleases()).toBe(2);
    expect(await statusCounts(w.db, h)).toEqual({ queued: 2, sent: 2, purged: 10 });
  });

  it("adds to an existing DailyVolume row and does nothing without purging hostings", async () => {
    const h = w.hosting.id;
    await w.db.prisma.dailyVolume.create({
      data: { hostingId: h, day: at("2026-03-10T00:00:00.000Z"), sent: 5, purged: 1 },
    });
    expect(await w.services.email.runPurges()).toBe(0);
    await insertMessages(w.db, h, 2, { status: "queued" });
    await w.services.email.request(w.customer, "example.org", "block");
    await w.services.email.request(w.customer, "example.org", "purge");
    expect(await w.services.email.runPurges()).toBe(2);
    const volume = await w.db.prisma.dailyVolume.findFirstOrThrow({ where: { hostingId: h } });
    expect(volume).toMatchObject({ sent: 5, purged: 3 });
  });

  it("a purge with nothing held still finishes", async () => {
    await w.services.email.request(w.customer, "example.org", "block");
    await w.services.email.request(w.customer, "example.org", "purge");
    expect(await w.services.email.runPurges()).toBe(0);
    expect(await state()).toBe("active");
  });

  it("several processes purging at once purge each message once and finish once", async () => {
    const h = w.hosting.id;
    await insertMessages(w.db, h, 3000, { status: "held" });
    await w.services.email.request(w.customer, "example.org", "block");
    await w.services.email.request(w.customer, "example.org", "purge");
    // separate service instances share nothing but the database, like separate processes
    const workers = Array.from({ length: 4 }, () => createServices({ db: w.db, clock: w.clock }));
    const counts = await Promise.all(workers.map((s) => s.email.runPurges(200)));
    // a process that found the last rows locked by another leaves the finish to it; a rerun
    // (the next scheduler tick) finishes whatever is left
    const rerun = await w.services.email.runPurges(200);
    expect(counts.reduce((a, b) => a + b, 0) + rerun).toBe(3000);
    expect(await statusCounts(w.db, h)).toEqual({ purged: 3000 });
    expect(await state()).toBe("active");
    const finished = await w.db.prisma.stateChange.count({
      where: { hostingId: h, from: "purging", to: "active" },
    });
    expect(finished).toBe(1);
    const volume = await w.db.prisma.dailyVolume.findFirstOrThrow({ where: { hostingId: h } });
    expect(volume.purged).toBe(3000);
  });
});

describe("runReleases", () => {
  it("releases held mail of active hostings only, oldest first, in batches", async () => {
    const h = w.hosting.id;
    const ids = await insertMessages(w.db, h, 5, { status: "queued" }, (i) =>
      at(`2026-03-10T11:0${i}:00.000Z`),
    );
    await w.services.email.request(w.customer, "example.org", "block");
    await w.services.email.request(w.other, "other.net", "block");
    expect(await w.services.email.runHolds()).toBe(5);
    await insertMessages(w.db, w.otherHosting.id, 3, { status: "held" });
    expect(await w.services.email.runReleases()).toBe(0);

    await w.services.email.request(w.customer, "example.org", "unblock");
    w.clock.set("2026-03-10T12:05:00.000Z");
    expect(await w.services.email.runReleases(2)).toBe(5);
    const rows = await w.db.prisma.message.findMany({ where: { hostingId: h } });
    expect(rows.every((m) => m.status === "queued")).toBe(true);
    // due at once, and in the order they were accepted
    expect(rows.every((m) => m.nextAttemptAt?.getTime() === m.acceptedAt.getTime())).toBe(true);
    expect(rows.map((r) => r.id).sort()).toEqual([...ids].sort());
    expect(await statusCounts(w.db, w.otherHosting.id)).toEqual({ held: 3 });
  });

  it("releases the oldest held mail first, one batch at a time", async () => {
    const h = w.hosting.id;
    await w.services.email.request(w.customer, "example.org", "block");
    // ids[0] is the newest, ids[3] the oldest
    const ids = await insertMessages(w.db, h, 4, { status: "held" }, (i) =>
      at(`2026-03-10T11:0${4 - i}:00.000Z`),
    );
    await w.services.email.request(w.customer, "example.org", "unblock");
    const repository = new EmailJobsRepository(w.db);
    const queued = async () =>
      (await w.db.prisma.message.findMany({ where: { hostingId: h, status: "queued" } }))
        .map((m) => m.id)
        .sort();
    expect(await repository.releaseBatch(h, 2, w.clock.now())).toBe(2);
    expect(await queued()).toEqual([ids[2], ids[3]].sort());
    expect(await repository.releaseBatch(h, 2, w.clock.now())).toBe(2);
    expect(await queued()).toEqual([...ids].sort());
    expect(await repository.releaseBatch(h, 2, w.clock.now())).toBe(0);
    // a blocked hosting releases nothing
    await w.services.email.request(w.customer, "example.org", "block");
    expect(await repository.releaseBatch(h, 2, w.clock.now())).toBeNull();
  });

  it("leaves held mail past its expiry to the expiry sweep", async () => {
    const h = w.hosting.id;
    await w.services.email.request(w.customer, "example.org", "block");
    await insertMessages(w.db, h, 2, {
      status: "held",
      acceptedAt: at("2026-03-07T11:00:00.000Z"),
    });
    await insertMessages(w.db, h, 1, {
      status: "held",
      acceptedAt: at("2026-03-10T11:00:00.000Z"),
    });
    await w.services.email.request(w.customer, "example.org", "unblock");
    w.clock.advance(HOUR);
    expect(await w.services.email.runReleases()).toBe(1);
    expect(await statusCounts(w.db, h)).toEqual({ held: 2, queued: 1 });
  });

  it("several processes releasing at once release each message once", async () => {
    const h = w.hosting.id;
    await w.services.email.request(w.customer, "example.org", "block");
    await insertMessages(w.db, h, 2000, { status: "held" });
    await w.services.email.request(w.customer, "example.org", "unblock");
    const workers = Array.from({ length: 4 }, () => createServices({ db: w.db, clock: w.clock }));
    const counts = await Promise.all(workers.map((s) => s.email.runReleases(150)));
    const rerun = await w.services.email.runReleases(150);
    expect(counts.reduce((a, b) => a + b, 0) + rerun).toBe(2000);
    expect(await statusCounts(w.db, h)).toEqual({ queued: 2000 });
  });
});
