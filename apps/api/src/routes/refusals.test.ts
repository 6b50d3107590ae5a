import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { call, createTestApp, seedWorld, type TestApp, type World } from "../testing/fixtures.ts";

let t: TestApp;
let w: World;
let base: string;

beforeAll(async () => {
  t = await createTestApp();
  w = await seedWorld(t, "rf");
  base = `/api/hostings/${w.hosting.serviceName}/email`;
});
afterAll(() => t?.close());
beforeEach(async () => {
  await t.db.prisma.refusal.deleteMany();
});

const today = () => t.clock.now().toISOString().slice(0, 10);

describe("GET …/email/refusals", () => {
  it("lists the refusals per day, script and reason, and counts them in the status", async () => {
    await t.db.prisma.refusal.createMany({
      data: [
        {
          hostingId: w.hosting.id,
          day: new Date(today()),
          script: "smtp",
          reason: "auth",
          count: 3,
        },
        {
          hostingId: w.hosting.id,
          day: new Date(today()),
          script: "form.php",
          reason: "daily_limit",
          count: 7,
        },
        {
          hostingId: w.otherHosting.id,
          day: new Date(today()),
          script: "smtp",
          reason: "size",
          count: 1,
        },
      ],
    });
    const res = await call(t.app, w.owner, "GET", `${base}/refusals?days=1`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      items: [
        { date: today(), script: "form.php", reason: "daily_limit", count: 7 },
        { date: today(), script: "smtp", reason: "auth", count: 3 },
      ],
      total: 10,
      truncated: false,
    });
    const status = await call(t.app, w.owner, "GET", base);
    expect(status.json()).toMatchObject({ refusedToday: 10 });
    expect((await call(t.app, w.support, "GET", `${base}/refusals`)).json().total).toBe(10);
  });

  it("refuses a period other than 1, 7 or 30 days", async () => {
    const res = await call(t.app, w.owner, "GET", `${base}/refusals?days=3`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe("validation_failed");
  });
});

describe("PUT …/email/daily-limit", () => {
  const audits = () =>
    t.db.prisma.auditEntry.findMany({
      where: { hostingId: w.hosting.id, action: "hosting.daily_limit" },
      orderBy: [{ at: "asc" }, { id: "asc" }],
    });

  it("lets support change the limit with a reason; the status shows it and the audit keeps it", async () => {
    const res = await call(t.app, w.support, "PUT", `${base}/daily-limit`, {
      maxPerDay: 50,
      reason: "Ticket 9: newsletter",
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ serviceName: w.hosting.serviceName, maxPerDay: 50 });
    expect((await call(t.app, w.owner, "GET", base)).json()).toMatchObject({ maxPerDay: 50 });
    const [entry] = await audits();
    expect(entry).toMatchObject({
      actorId: w.support.me.id,
      actorRole: "support",
      reason: "Ticket 9: newsletter",
      details: { from: 1000, to: 50 },
    });
  });

  it("refuses customers with 403 on their own hosting and 404 on another's", async () => {
    const before = await audits();
    const own = await call(t.app, w.owner, "PUT", `${base}/daily-limit`, {
      maxPerDay: 100_000,
      reason: "more please",
    });
    expect(own.statusCode).toBe(403);
    expect(own.json().error.code).toBe("forbidden");
    const other = await call(t.app, w.other, "PUT", `${base}/daily-limit`, {
      maxPerDay: 100_000,
      reason: "more please",
    });
    expect(other.statusCode).toBe(404);
    expect(await audits()).toHaveLength(before.length);
  });

  it.each([
    ["a negative limit", { maxPerDay: -1, reason: "x" }],
    ["a limit over 1,000,000", { maxPerDay: 1_000_001, reason: "x" }],
    ["a fraction", { maxPerDay: 2.5, reason: "x" }],
    ["no reason", { maxPerDay: 10 }],
    ["an empty reason", { maxPerDay: 10, reason: " " }],
  ])("refuses %s with 400", async (_name, body) => {
    const res = await call(t.app, w.support, "PUT", `${base}/daily-limit`, body);
    expect(res.statusCode, res.body).toBe(400);
  });
});
