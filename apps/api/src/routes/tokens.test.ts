import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  call,
  createTestApp,
  errorCodeOf,
  login,
  PASSWORD,
  seedWorld,
  type TestApp,
  type World,
} from "../testing/fixtures.ts";

let t: TestApp;
let w: World;

beforeAll(async () => {
  t = await createTestApp();
  w = await seedWorld(t, "tk");
});
afterAll(() => t?.close());

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

function asBearer(token: string, method: "GET" | "DELETE" | "POST", url: string, payload?: object) {
  return t.app.inject({
    method,
    url,
    headers: bearer(token),
    ...(payload ? { payload } : {}),
  });
}

async function createToken(who = w.owner, body: object = { name: "ci" }) {
  const res = await call(t.app, who, "POST", "/api/tokens", body);
  expect(res.statusCode).toBe(201);
  return res.json<{ id: string; token: string; prefix: string; expiresAt: string }>();
}

describe("GET /api/tokens", () => {
  it("lists the caller's tokens with prefix, dates and expiry, never the secret", async () => {
    t.clock.set("2026-01-10T12:00:00.000Z");
    const created = await createToken(w.owner, { name: "listed", expiresInDays: 10 });
    expect(created).toMatchObject({
      name: "listed",
      prefix: created.token.slice(0, 10),
      createdAt: "2026-01-10T12:00:00.000Z",
      lastUsedAt: null,
      expiresAt: "2026-01-20T12:00:00.000Z",
    });
    await createToken(w.other, { name: "someone else's" });
    expect((await asBearer(created.token, "GET", "/api/me")).statusCode).toBe(200);

    const res = await call(t.app, w.owner, "GET", "/api/tokens");
    expect(res.statusCode).toBe(200);
    const list = res.json<Array<Record<string, unknown>>>();
    expect(list.map((x) => x.name)).not.toContain("someone else's");
    expect(list.find((x) => x.id === created.id)).toEqual({
      id: created.id,
      name: "listed",
      prefix: created.prefix,
      createdAt: "2026-01-10T12:00:00.000Z",
      lastUsedAt: "2026-01-10T12:00:00.000Z",
      expiresAt: "2026-01-20T12:00:00.000Z",
    });
    expect(res.body).not.toContain(created.token);
    expect(res.body).not.toMatch(/tokenHash|"token"/);
  });

  it("needs a signed-in user", async () => {
    const res = await call(t.app, null, "GET", "/api/tokens");
    expect(res.statusCode).toBe(401);
  });
});

describe("POST /api/tokens", () => {
  it("refuses an expiry outside 1 to 365 days", async () => {
    for (const expiresInDays of [0, 366, 2.5, "30"]) {
      const res = await call(t.app, w.owner, "POST", "/api/tokens", { name: "x", expiresInDays });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.fields[0].path).toBe("expiresInDays");
    }
  });

  it("cannot be called with a token: a leaked token cannot make new ones", async () => {
    const { token } = await createToken();
    const res = await asBearer(token, "POST", "/api/tokens", { name: "child" });
    expect(res.statusCode).toBe(403);
    expect(errorCodeOf(res)).toBe("forbidden");
  });
});

describe("DELETE /api/tokens/:id", () => {
  it("revokes at once: the very next request with the token is refused", async () => {
    const { id, token } = await createToken();
    expect((await asBearer(token, "GET", "/api/hostings")).statusCode).toBe(200);
    const res = await call(t.app, w.owner, "DELETE", `/api/tokens/${id}`);
    expect(res.statusCode).toBe(204);
    expect((await asBearer(token, "GET", "/api/hostings")).statusCode).toBe(401);
    const list = (await call(t.app, w.owner, "GET", "/api/tokens")).json<{ id: string }[]>();
    expect(list.map((x) => x.id)).not.toContain(id);
  });

  it("lets a script revoke its own token with that token", async () => {
    const { id, token } = await createToken();
    expect((await asBearer(token, "DELETE", `/api/tokens/${id}`)).statusCode).toBe(204);
    expect((await asBearer(token, "GET", "/api/me")).statusCode).toBe(401);
  });

  it("answers 404 for another user's token (which keeps working) and for unknown ids", async () => {
    const theirs = await createToken(w.other);
    for (const who of [w.owner, w.support]) {
      const res = await call(t.app, who, "DELETE", `/api/tokens/${theirs.id}`);
      expect(res.statusCode).toBe(404);
      expect(errorCodeOf(res)).toBe("not_found");
    }
    expect((await asBearer(theirs.token, "GET", "/api/me")).statusCode).toBe(200);
    const unknown = await call(
      t.app,
      w.owner,
      "DELETE",
      "/api/tokens/0193c6f2-0000-7000-8000-000000000000",
    );
    expect(unknown.statusCode).toBe(404);
    expect((await call(t.app, w.owner, "DELETE", "/api/tokens/not-a-uuid")).statusCode).toBe(400);
  });
});

describe("expired tokens", () => {
  it("are refused from the moment they expire", async () => {
    t.clock.set("2026-01-11T00:00:00.000Z");
    const fresh = await login(t.app, "tk-owner@example.com");
    const { token } = await createToken(fresh, { name: "one day", expiresInDays: 1 });
    t.clock.set("2026-01-11T23:59:59.000Z");
    expect((await asBearer(token, "GET", "/api/me")).statusCode).toBe(200);
    t.clock.set("2026-01-12T00:00:00.000Z");
    const res = await asBearer(token, "GET", "/api/me");
    expect(res.statusCode).toBe(401);
    expect(errorCodeOf(res)).toBe("unauthenticated");
  });
});

describe("PUT /api/me/password", () => {
  const NEW = "another long password";

  it("needs the current password and a new one of at least 8 characters", async () => {
    const me = await login(t.app, "tk-other@example.com");
    const wrong = await call(t.app, me, "PUT", "/api/me/password", {
      currentPassword: "not it",
      newPassword: NEW,
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.fields).toEqual([{ path: "currentPassword", message: "invalid" }]);
    expect(wrong.json().error.message).toBe("The current password is not right.");
    const short = await call(t.app, me, "PUT", "/api/me/password", {
      currentPassword: PASSWORD,
      newPassword: "1234567",
    });
    expect(short.statusCode).toBe(400);
    expect(short.json().error.fields[0].path).toBe("newPassword");
    // nothing changed: the old password still signs in
    await login(t.app, "tk-other@example.com");
  });

  it("cannot be done with an API token", async () => {
    const { token } = await createToken(w.other);
    const res = t.app.inject({
      method: "PUT",
      url: "/api/me/password",
      headers: bearer(token),
      payload: { currentPassword: PASSWORD, newPassword: NEW },
    });
    expect((await res).statusCode).toBe(403);
    await login(t.app, "tk-other@example.com");
  });

  it("ends the other sessions and every token, keeps this session, and is audited", async () => {
    t.clock.set("2026-01-13T00:00:00.000Z");
    const here = await login(t.app, "tk-owner@example.com");
    const elsewhere = await login(t.app, "tk-owner@example.com");
    const { token } = await createToken(here);
    const othersToken = await createToken(w.other);

    const res = await call(t.app, here, "PUT", "/api/me/password", {
      currentPassword: PASSWORD,
      newPassword: NEW,
    });
    expect(res.statusCode).toBe(204);

    expect((await call(t.app, here, "GET", "/api/me")).statusCode).toBe(200);
    expect((await call(t.app, elsewhere, "GET", "/api/me")).statusCode).toBe(401);
    expect((await call(t.app, w.owner, "GET", "/api/me")).statusCode).toBe(401);
    expect((await asBearer(token, "GET", "/api/me")).statusCode).toBe(401);
    expect((await call(t.app, here, "GET", "/api/tokens")).json()).toEqual([]);
    // another user's credentials are untouched
    expect((await call(t.app, w.other, "GET", "/api/me")).statusCode).toBe(200);
    expect((await asBearer(othersToken.token, "GET", "/api/me")).statusCode).toBe(200);

    await expect(login(t.app, "tk-owner@example.com")).rejects.toThrow(/401/);
    await login(t.app, "tk-owner@example.com", NEW);

    const audit = (await call(t.app, w.support, "GET", "/api/audit")).json<
      { action: string; actorEmail: string }[]
    >();
    expect(audit[0]).toMatchObject({
      action: "account.password_changed",
      actorEmail: "tk-owner@example.com",
    });
  });
});
