import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, createTestApp, seedWorld, type TestApp, type World } from "../testing/fixtures.ts";

let t: TestApp;
let w: World;

beforeAll(async () => {
  t = await createTestApp();
  w = await seedWorld(t, "sess");
});
afterAll(() => t?.close());

describe("GET /api/session", () => {
  it("answers 200 with no user when nobody is signed in (no 401 for the panel's first call)", async () => {
    const res = await call(t.app, null, "GET", "/api/session");
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ user: null });
    expect(res.headers["cache-control"]).toBe("no-store");
  });

  it("answers 200 with no user for an ended or forged session cookie", async () => {
    const res = await t.app.inject({
      method: "GET",
      url: "/api/session",
      headers: { cookie: "se_session=not-a-session" },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ user: null });
  });

  it("answers the signed-in user with the session's CSRF token, as GET /api/me does", async () => {
    const res = await call(t.app, w.owner, "GET", "/api/session");
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ user: w.owner.me });
    const me = await call(t.app, w.owner, "GET", "/api/me");
    expect(me.json()).toEqual(w.owner.me);
  });

  it("answers a bearer token's user without a CSRF token", async () => {
    const { token } = await t.services.auth.createApiToken(
      {
        kind: "user",
        userId: w.support.me.id,
        email: w.support.me.email,
        role: "support",
        locale: "en",
      },
      "script",
    );
    const res = await t.app.inject({
      method: "GET",
      url: "/api/session",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.json()).toEqual({ user: { ...w.support.me, csrfToken: null } });
    const forged = await t.app.inject({
      method: "GET",
      url: "/api/session",
      headers: { authorization: "Bearer forged" },
    });
    expect(forged.json()).toEqual({ user: null });
  });

  it("keeps GET /api/me's 401 for clients that rely on it", async () => {
    const res = await call(t.app, null, "GET", "/api/me");
    expect(res.statusCode).toBe(401);
  });
});
