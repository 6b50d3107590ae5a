import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  call,
  createTestApp,
  errorCodeOf,
  seedWorld,
  type TestApp,
  type World,
} from "../testing/fixtures.ts";

let t: TestApp;
let w: World;
let url: string;

beforeAll(async () => {
  t = await createTestApp();
  w = await seedWorld(t);
  url = `/api/hostings/${w.hosting.serviceName}/email`;
});
afterAll(() => t?.close());

describe("POST /api/hostings/:serviceName/email/test", () => {
  it("queues a test message through the hosting's own path, in the user's language", async () => {
    const res = await call(t.app, w.owner, "POST", `${url}/test`, { to: "Me@Example.COM" });
    expect(res.statusCode, res.body).toBe(202);
    const { id, status } = res.json();
    expect(status).toBe("queued");
    const message = await t.db.prisma.message.findUniqueOrThrow({ where: { id } });
    expect(message).toMatchObject({
      hostingId: w.hosting.id,
      recipients: ["me@example.com"],
      source: "panel",
      subject: `Scripts-email test message for ${w.hosting.serviceName}`,
    });
    // one text part, base64 like all of the product's own mail
    const body = Buffer.from(message.raw!).toString().split("\r\n\r\n")[1]!;
    expect(Buffer.from(body, "base64").toString()).toContain("sending works");
  });

  it("is held while sending is blocked", async () => {
    await call(t.app, w.owner, "POST", `${url}/requests`, { action: "block" });
    const res = await call(t.app, w.owner, "POST", `${url}/test`, { to: "me@example.com" });
    expect(res.json().status).toBe("held");
    await call(t.app, w.owner, "POST", `${url}/requests`, { action: "unblock" });
  });

  it.each([
    ["an invalid address", { to: "not an address" }],
    ["a header injection attempt", { to: "a@example.com\r\nBcc: victim@example.org" }],
    ["a missing address", {}],
  ])("refuses %s with 400 and the field", async (_name, body) => {
    const res = await call(t.app, w.owner, "POST", `${url}/test`, body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields[0].path).toBe("to");
  });
});

describe("GET /api/audit", () => {
  it("lists support actions with who, when, why and on which hosting", async () => {
    await call(t.app, w.support, "POST", `${url}/requests`, {
      action: "block",
      reason: "Spam wave",
    });
    await call(t.app, w.support, "POST", `${url}/requests`, { action: "unblock", reason: "Fixed" });
    const res = await call(
      t.app,
      w.support,
      "GET",
      `/api/audit?serviceName=${w.hosting.serviceName}`,
    );
    expect(res.statusCode, res.body).toBe(200);
    const entries = res.json();
    expect(entries.slice(0, 2)).toEqual([
      expect.objectContaining({
        action: "email.unblock",
        actorEmail: w.support.me.email,
        actorRole: "support",
        reason: "Fixed",
        serviceName: w.hosting.serviceName,
      }),
      expect.objectContaining({ action: "email.block", reason: "Spam wave" }),
    ]);
  });

  it("filters by hosting and limits the count", async () => {
    const none = await call(t.app, w.support, "GET", "/api/audit?serviceName=unknown.example");
    expect(none.json()).toEqual([]);
    const one = await call(t.app, w.support, "GET", "/api/audit?limit=1");
    expect(one.json()).toHaveLength(1);
    const bad = await call(t.app, w.support, "GET", "/api/audit?limit=0");
    expect(bad.statusCode).toBe(400);
  });

  it("is refused to customers", async () => {
    const res = await call(t.app, w.owner, "GET", "/api/audit");
    expect(res.statusCode).toBe(403);
    expect(errorCodeOf(res)).toBe("forbidden");
  });
});
