import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { call, createTestApp, seedWorld, type TestApp, type World } from "../testing/fixtures.ts";

let t: TestApp;
let w: World;
let url: string;

beforeAll(async () => {
  t = await createTestApp();
  w = await seedWorld(t);
  url = `/api/hostings/${w.hosting.serviceName}/email`;
});
afterAll(() => t?.close());
beforeEach(async () => {
  await t.db.prisma.hosting.updateMany({ data: { alertsOff: [] } });
  await t.db.prisma.auditEntry.deleteMany({ where: { action: "email.alerts" } });
});

describe("the alerts a hosting wants (PUT /api/hostings/:serviceName/email, alertsOff)", () => {
  it("turns kinds off and on again; the status says which, each once", async () => {
    expect((await call(t.app, w.owner, "GET", url)).json().alertsOff).toEqual([]);
    const off = await call(t.app, w.owner, "PUT", url, {
      alertsOff: ["daily_limit", "unblocked", "daily_limit"],
    });
    expect(off.statusCode).toBe(200);
    expect(off.json().alertsOff).toEqual(["unblocked", "daily_limit"]);
    expect((await call(t.app, w.owner, "GET", url)).json().alertsOff).toEqual([
      "unblocked",
      "daily_limit",
    ]);
    // other settings leave the choice as it is
    const other = await call(t.app, w.owner, "PUT", url, { reportRecipient: "ok@example.com" });
    expect(other.json().alertsOff).toEqual(["unblocked", "daily_limit"]);
    const on = await call(t.app, w.owner, "PUT", url, { alertsOff: [] });
    expect(on.json().alertsOff).toEqual([]);
  });

  it("refuses an unknown kind with 400 naming the field", async () => {
    const res = await call(t.app, w.owner, "PUT", url, { alertsOff: ["everything"] });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields.map((f: { path: string }) => f.path)).toContain("alertsOff.0");
  });

  it("records the customer's and support's changes in the audit log", async () => {
    await call(t.app, w.owner, "PUT", url, { alertsOff: ["expiry_soon"] });
    await call(t.app, w.support, "PUT", url, { alertsOff: [] });
    const entries = await t.db.prisma.auditEntry.findMany({
      where: { hostingId: w.hosting.id, action: "email.alerts" },
      orderBy: { at: "asc" },
    });
    expect(entries.map((e) => [e.actorRole, e.details])).toEqual([
      ["customer", { from: [], to: ["expiry_soon"] }],
      ["support", { from: ["expiry_soon"], to: [] }],
    ]);
  });

  it("answers 404 for another customer's hosting, changing nothing", async () => {
    const res = await call(t.app, w.other, "PUT", url, { alertsOff: ["auto_block"] });
    expect(res.statusCode).toBe(404);
    const hosting = await t.db.prisma.hosting.findUniqueOrThrow({ where: { id: w.hosting.id } });
    expect(hosting.alertsOff).toEqual([]);
  });
});
