import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, PASSWORD, type TestApp } from "../testing/fixtures.ts";

// Behind a reverse proxy every request comes from the proxy: without TRUST_PROXY the login
// throttle would count every user as one client. With it, X-Forwarded-For names the client,
// and only when the request really comes from a trusted proxy.
let proxied: TestApp;
let direct: TestApp;
const EMAIL = "proxy-user@example.com";

beforeAll(async () => {
  [proxied, direct] = await Promise.all([
    createTestApp({ config: { trustProxy: ["127.0.0.1"] } }),
    createTestApp(),
  ]);
  for (const t of [proxied, direct]) {
    await t.services.users.create({ email: EMAIL, password: PASSWORD, role: "customer" });
  }
});
afterAll(async () => {
  await Promise.all([proxied?.close(), direct?.close()]);
});

function postSession(t: TestApp, forwardedFor: string, password: string) {
  return t.app.inject({
    method: "POST",
    url: "/api/session",
    payload: { email: EMAIL, password },
    headers: { "x-forwarded-for": forwardedFor },
  });
}

describe("POST /api/session behind a proxy", () => {
  it("throttles the client X-Forwarded-For names when the proxy is trusted", async () => {
    for (let i = 0; i < 5; i++) {
      expect((await postSession(proxied, "203.0.113.5", "wrong-password")).statusCode).toBe(401);
    }
    expect((await postSession(proxied, "203.0.113.5", PASSWORD)).statusCode).toBe(429);
    expect((await postSession(proxied, "198.51.100.1", PASSWORD)).statusCode).toBe(200);
    const clients = await proxied.db.prisma.loginAttempt.findMany({
      distinct: ["clientAddress"],
      select: { clientAddress: true },
      orderBy: { clientAddress: "asc" },
    });
    expect(clients.map((c) => c.clientAddress)).toEqual(["198.51.100.1", "203.0.113.5"]);
  });

  it("ignores X-Forwarded-For from a peer it does not trust: a guesser cannot pose as many clients", async () => {
    for (let i = 0; i < 5; i++) {
      expect((await postSession(direct, `203.0.113.${i}`, "wrong-password")).statusCode).toBe(401);
    }
    expect((await postSession(direct, "198.51.100.1", PASSWORD)).statusCode).toBe(429);
    const clients = await direct.db.prisma.loginAttempt.findMany({
      select: { clientAddress: true },
    });
    expect(new Set(clients.map((c) => c.clientAddress))).toEqual(new Set(["127.0.0.1"]));
  });
});
