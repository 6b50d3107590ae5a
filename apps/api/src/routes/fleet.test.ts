import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, createTestApp, seedWorld, type TestApp, type World } from "../testing/fixtures.ts";

// Issue 17 over HTTP: the fleet list's query string and the summary's access.

let t: TestApp;
let w: World;

beforeAll(async () => {
  t = await createTestApp();
  w = await seedWorld(t, "fl");
  const block = await call(
    t.app,
    w.support,
    "POST",
    `/api/hostings/${w.otherHosting.serviceName}/email/requests`,
    { action: "block", reason: "fleet test" },
  );
  expect(block.statusCode, block.body).toBe(202);
});
afterAll(() => t?.close());

describe("GET /api/hostings as the fleet view", () => {
  it("parses filters, sort, window and paging from the query string", async () => {
    const res = await call(
      t.app,
      w.support,
      "GET",
      "/api/hostings?state=blocked&cause=support&sort=stateChangedAt&window=1h&limit=1&offset=0",
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      items: [
        expect.objectContaining({
          serviceName: w.otherHosting.serviceName,
          state: "blocked",
          cause: "support",
          window: "1h",
          stateChangedBy: { role: "support", email: "fl-support@example.com" },
          counters: {
            accepted: 0,
            sent: 0,
            failed: 0,
            held: 0,
            spam: 0,
            refused: 0,
            bounceRatio: 0,
          },
        }),
      ],
      total: 1,
    });
    const all = await call(t.app, w.support, "GET", "/api/hostings?sort=sent&limit=1");
    expect(all.json().total).toBe(2);
    expect(all.json().items).toHaveLength(1);
  });

  it("refuses an unknown sort, window or a page over the maximum", async () => {
    for (const query of ["sort=name", "window=7d", "limit=201", "state=gone"]) {
      const res = await call(t.app, w.support, "GET", `/api/hostings?${query}`);
      expect(res.statusCode, query).toBe(400);
    }
  });

  it("gives a customer their own hostings only, in the same shape", async () => {
    const res = await call(t.app, w.owner, "GET", "/api/hostings?sort=sent&state=blocked");
    expect(res.json()).toEqual({ items: [], total: 0 });
    const own = await call(t.app, w.owner, "GET", "/api/hostings");
    expect(own.json().items.map((i: { serviceName: string }) => i.serviceName)).toEqual([
      w.hosting.serviceName,
    ]);
  });
});

describe("GET /api/fleet/summary", () => {
  it("answers support, and 404 to customers as if it did not exist", async () => {
    const res = await call(t.app, w.support, "GET", "/api/fleet/summary");
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().hostings).toMatchObject({
      total: 2,
      byState: { active: 1, blocked: 1 },
      byCause: { support: 1 },
    });
    const customer = await call(t.app, w.owner, "GET", "/api/fleet/summary");
    expect(customer.statusCode).toBe(404);
    expect(customer.json().error.code).toBe("not_found");
  });
});
