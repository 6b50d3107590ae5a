import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  call,
  createTestApp,
  errorCodeOf,
  insertMessage,
  seedWorld,
  type TestApp,
  type World,
} from "../testing/fixtures.ts";

let t: TestApp;
let w: World;
let url: (by?: string) => string;

beforeAll(async () => {
  t = await createTestApp();
  w = await seedWorld(t, "hg");
  url = (by) => `/api/hostings/${w.hosting.serviceName}/email/held/groups${by ? `?by=${by}` : ""}`;
  const held = async (script: string, recipients: string[], spam = false) => {
    const id = await insertMessage(t, w.hosting.id, { status: "held", recipients });
    await t.db.prisma.message.update({ where: { id }, data: { script, spam } });
  };
  await held("contact.php", ["a@victim.example", "b@other.example"], true);
  await held("contact.php", ["c@victim.example"], true);
  await held("order.php", ["d@shop.example"]);
  await insertMessage(t, w.hosting.id, { status: "queued" });
});
afterAll(() => t?.close());

describe("GET /api/hostings/:serviceName/email/held/groups", () => {
  it("groups by script when not told otherwise", async () => {
    const res = await call(t.app, w.owner, "GET", url());
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      items: [
        { key: "contact.php", count: 2, spam: 2 },
        { key: "order.php", count: 1, spam: 0 },
      ],
    });
  });

  it("groups by recipient domain and by subject", async () => {
    const byDomain = await call(t.app, w.support, "GET", url("domain"));
    expect(byDomain.json().items).toEqual([
      { key: "victim.example", count: 2, spam: 2 },
      { key: "other.example", count: 1, spam: 1 },
      { key: "shop.example", count: 1, spam: 0 },
    ]);
    const bySubject = await call(t.app, w.owner, "GET", url("subject"));
    expect(bySubject.json().items).toEqual([{ key: "Hello", count: 3, spam: 2 }]);
  });

  it("refuses an unknown grouping", async () => {
    const res = await call(t.app, w.owner, "GET", url("sender"));
    expect(res.statusCode).toBe(400);
    expect(errorCodeOf(res)).toBe("validation_failed");
  });

  it("answers 404 for another customer's hosting", async () => {
    const res = await call(t.app, w.other, "GET", url("script"));
    expect(res.statusCode).toBe(404);
    expect(errorCodeOf(res)).toBe("not_found");
  });
});
