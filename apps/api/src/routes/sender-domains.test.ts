import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, createTestApp, seedWorld, type TestApp, type World } from "../testing/fixtures.ts";

let t: TestApp;
let w: World;
let url: string;

beforeAll(async () => {
  t = await createTestApp();
  w = await seedWorld(t, "sd");
  url = `/api/hostings/${w.hosting.serviceName}/sender-domains`;
});
afterAll(() => t?.close());

function auditOf(hostingId: string) {
  return t.db.prisma.auditEntry.findMany({
    where: { hostingId, action: "hosting.sender_domains" },
    orderBy: [{ at: "asc" }, { id: "asc" }],
  });
}

describe("sender domains API", () => {
  it("lets the owner and support read them, and hides other customers' hostings", async () => {
    const own = await call(t.app, w.owner, "GET", url);
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json()).toEqual({ serviceName: w.hosting.serviceName, domains: [] });
    expect((await call(t.app, w.support, "GET", url)).statusCode).toBe(200);
    const other = await call(t.app, w.other, "GET", url);
    expect(other.statusCode).toBe(404);
    expect((await call(t.app, null, "GET", url)).statusCode).toBe(401);
  });

  it("refuses changes by customers: 403 on their own hosting, 404 on another's", async () => {
    const own = await call(t.app, w.owner, "POST", url, { add: ["mine.com"], reason: "please" });
    expect(own.statusCode, own.body).toBe(403);
    expect(own.json().error.code).toBe("forbidden");
    const other = await call(t.app, w.other, "POST", url, { add: ["mine.com"], reason: "x" });
    expect(other.statusCode).toBe(404);
    const after = await t.services.hostings.senderDomains(
      { kind: "system" },
      w.hosting.serviceName,
    );
    expect(after.domains).toEqual([]);
    expect(await auditOf(w.hosting.id)).toHaveLength(0);
  });

  it("needs a reason from support", async () => {
    const res = await call(t.app, w.support, "POST", url, { add: ["brand.com"] });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe("reason_required");
  });

  it("lets support add and remove domains, normalised, and audits each change", async () => {
    const added = await call(t.app, w.support, "POST", url, {
      add: ["Brand.COM", "bücher.example."],
      reason: "Ticket 42: owns brand.com",
    });
    expect(added.statusCode, added.body).toBe(200);
    expect(added.json()).toEqual({
      serviceName: w.hosting.serviceName,
      domains: ["brand.com", "xn--bcher-kva.example"],
    });
    const removed = await call(t.app, w.support, "POST", url, {
      remove: ["brand.com"],
      reason: "Ticket 43: sold it",
    });
    expect(removed.json().domains).toEqual(["xn--bcher-kva.example"]);
    // nothing changes: nothing is recorded
    await call(t.app, w.support, "POST", url, { remove: ["brand.com"], reason: "again" });

    const entries = await auditOf(w.hosting.id);
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({
      actorId: w.support.me.id,
      actorRole: "support",
      reason: "Ticket 42: owns brand.com",
      details: {
        added: ["brand.com", "xn--bcher-kva.example"],
        removed: [],
        domains: ["brand.com", "xn--bcher-kva.example"],
      },
    });
    expect(entries[1]).toMatchObject({
      reason: "Ticket 43: sold it",
      details: { added: [], removed: ["brand.com"], domains: ["xn--bcher-kva.example"] },
    });
    const list = await call(
      t.app,
      w.support,
      "GET",
      `/api/audit?serviceName=${w.hosting.serviceName}`,
    );
    expect(list.json()[0]).toMatchObject({
      action: "hosting.sender_domains",
      reason: "Ticket 43: sold it",
    });
  });

  it.each([
    ["a wildcard", "*.brand.com"],
    ["an IP address", "192.0.2.1"],
    ["an IP in shorthand", "127.1"],
    ["a single label", "localhost"],
    ["an address", "x@brand.com"],
  ])("refuses %s with 400 on the domain field", async (_name, domain) => {
    const res = await call(t.app, w.support, "POST", url, { add: [domain], reason: "test" });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error).toMatchObject({
      code: "validation_failed",
      fields: [{ path: "domain", message: "invalid" }],
    });
  });

  it("refuses an empty change", async () => {
    const res = await call(t.app, w.support, "POST", url, { reason: "nothing" });
    expect(res.statusCode).toBe(400);
  });
});
