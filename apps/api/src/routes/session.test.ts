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
  w = await seedWorld(t);
});
afterAll(() => t?.close());

function postSession(payload: object, headers: Record<string, string> = {}) {
  return t.app.inject({ method: "POST", url: "/api/session", payload, headers });
}

describe("POST /api/session", () => {
  it("sets an HttpOnly, SameSite=Lax, Secure session cookie and returns the user", async () => {
    const res = await postSession({ email: "W-Owner@Example.com", password: PASSWORD });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      id: expect.any(String),
      email: "w-owner@example.com",
      role: "customer",
      locale: "en",
      csrfToken: expect.stringMatching(/.{20,}/),
    });
    const cookie = res.cookies.find((c) => c.name === "se_session");
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/", secure: true });
    expect(String(res.headers["set-cookie"])).toMatch(/HttpOnly/);
  });

  it("gives a new session (and CSRF token) on every login", async () => {
    const a = await login(t.app, "w-owner@example.com");
    const b = await login(t.app, "w-owner@example.com");
    expect(a.cookie).not.toBe(b.cookie);
    expect(a.csrfToken).not.toBe(b.csrfToken);
  });

  it("rotates the session on login: a session the browser already had stops working", async () => {
    const before = await login(t.app, "w-owner@example.com");
    const res = await t.app.inject({
      method: "POST",
      url: "/api/session",
      headers: { cookie: before.cookie },
      payload: { email: "w-owner@example.com", password: PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    const after = res.cookies.find((c) => c.name === "se_session")!.value;
    expect(`se_session=${after}`).not.toBe(before.cookie);
    const old = await t.app.inject({
      method: "GET",
      url: "/api/me",
      headers: { cookie: before.cookie },
    });
    expect(old.statusCode).toBe(401);
    const fresh = await t.app.inject({
      method: "GET",
      url: "/api/me",
      headers: { cookie: `se_session=${after}` },
    });
    expect(fresh.statusCode).toBe(200);
  });

  it("refuses a wrong password or unknown address alike, in the asker's language", async () => {
    const wrong = await postSession(
      { email: "w-owner@example.com", password: "not the password" },
      { "accept-language": "fr-CH, fr;q=0.9, en;q=0.8" },
    );
    const unknown = await postSession(
      { email: "nobody@example.com", password: "not the password" },
      { "accept-language": "fr" },
    );
    for (const res of [wrong, unknown]) {
      expect(res.statusCode).toBe(401);
      expect(res.json().error).toEqual({
        code: "invalid_credentials",
        message: "Adresse e-mail ou mot de passe incorrect.",
      });
      expect(res.cookies).toHaveLength(0);
    }
  });

  it("refuses a malformed body with 400 and the fields, in Portuguese when asked", async () => {
    const res = await postSession({ email: "nope" }, { "accept-language": "pt-PT" });
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe("validation_failed");
    expect(error.message).toBe("Alguns campos não são válidos.");
    expect(error.fields.map((f: { path: string }) => f.path).sort()).toEqual(["email", "password"]);
  });

  it("makes a guesser wait, growing, with 429 and Retry-After; the user elsewhere still gets in", async () => {
    const email = "w-other@example.com";
    const guesser = { remoteAddress: "203.0.113.66" };
    const from = (remoteAddress: string, payload: object, headers: Record<string, string> = {}) =>
      t.app.inject({ method: "POST", url: "/api/session", payload, headers, remoteAddress });
    for (let i = 0; i < 5; i++) {
      const res = await from(guesser.remoteAddress, { email, password: "wrong-password" });
      expect(res.statusCode).toBe(401);
    }
    const throttled = await from(guesser.remoteAddress, { email, password: PASSWORD });
    expect(throttled.statusCode).toBe(429);
    expect(errorCodeOf(throttled)).toBe("too_many_attempts");
    expect(throttled.json().error.message).toBe("Too many attempts. Wait 1 s and try again.");
    expect(throttled.headers["retry-after"]).toBe("1");
    expect(throttled.cookies).toHaveLength(0);

    // the same user, from another client, with the right password: at once
    expect((await from("198.51.100.7", { email, password: PASSWORD })).statusCode).toBe(200);

    // the guesser's waits grow with each failure: 1 s, 2 s, 4 s…
    const retryAfters: string[] = [];
    for (let i = 0; i < 3; i++) {
      t.clock.advance(Number(throttled.headers["retry-after"]) * 1000 * 2 ** i);
      expect((await from(guesser.remoteAddress, { email, password: "wrong" })).statusCode).toBe(
        401,
      );
      const res = await from(
        guesser.remoteAddress,
        { email, password: PASSWORD },
        {
          "accept-language": "pt",
        },
      );
      expect(res.statusCode).toBe(429);
      retryAfters.push(String(res.headers["retry-after"]));
    }
    expect(retryAfters).toEqual(["2", "4", "8"]);
    // the wait in the asker's language
    const pt = await from(
      guesser.remoteAddress,
      { email, password: PASSWORD },
      {
        "accept-language": "pt",
      },
    );
    expect(pt.json().error.message).toBe("Demasiadas tentativas. Aguarde 8 s e tente de novo.");

    // and once it has passed, the right password gets in from the guesser's client too
    t.clock.advance(8_000);
    expect((await from(guesser.remoteAddress, { email, password: PASSWORD })).statusCode).toBe(200);
  });
});

describe("GET /api/me", () => {
  it("answers the signed-in user with the session's CSRF token", async () => {
    const res = await call(t.app, w.support, "GET", "/api/me");
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      id: w.support.me.id,
      email: "w-support@example.com",
      role: "support",
      locale: "en",
      csrfToken: w.support.csrfToken,
    });
  });

  it("answers 401 without a session, or with an unknown one", async () => {
    for (const headers of [{}, { cookie: "se_session=forged" }, { authorization: "Bearer nope" }]) {
      const res = await t.app.inject({ method: "GET", url: "/api/me", headers });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({
        error: { code: "unauthenticated", message: "Please sign in." },
        requestId: expect.any(String),
      });
    }
  });
});

describe("DELETE /api/session", () => {
  it("ends the session: the cookie is cleared and no longer works", async () => {
    const s = await login(t.app, "w-owner@example.com");
    expect((await call(t.app, s, "GET", "/api/me")).statusCode).toBe(200);
    const res = await call(t.app, s, "DELETE", "/api/session");
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe("");
    const cleared = res.cookies.find((c) => c.name === "se_session");
    expect(cleared?.value).toBe("");
    expect(cleared?.expires?.getTime()).toBeLessThan(Date.now());
    expect((await call(t.app, s, "GET", "/api/me")).statusCode).toBe(401);
    // other sessions of the same user live on
    expect((await call(t.app, w.owner, "GET", "/api/me")).statusCode).toBe(200);
  });

  it("needs the CSRF token like any other cookie mutation", async () => {
    const s = await login(t.app, "w-owner@example.com");
    const res = await t.app.inject({
      method: "DELETE",
      url: "/api/session",
      headers: { cookie: s.cookie },
    });
    expect(res.statusCode).toBe(403);
    expect(errorCodeOf(res)).toBe("csrf_failed");
    expect((await call(t.app, s, "GET", "/api/me")).statusCode).toBe(200);
  });

  it("answers 401 without a session", async () => {
    const res = await t.app.inject({ method: "DELETE", url: "/api/session" });
    expect(res.statusCode).toBe(401);
  });
});

describe("POST /api/tokens and bearer authentication", () => {
  it("returns a token once; it then works like a session, without CSRF", async () => {
    const created = await call(t.app, w.owner, "POST", "/api/tokens", { name: "deploy script" });
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(body).toEqual({
      id: expect.any(String),
      name: "deploy script",
      token: expect.stringMatching(/^se_/),
      prefix: expect.stringMatching(/^se_/),
      createdAt: expect.any(String),
      lastUsedAt: null,
      expiresAt: expect.any(String),
    });
    const stored = await t.db.prisma.apiToken.findUniqueOrThrow({ where: { id: body.id } });
    expect(JSON.stringify(stored)).not.toContain(body.token);

    const bearer = { authorization: `Bearer ${body.token}` };
    const me = await t.app.inject({ method: "GET", url: "/api/me", headers: bearer });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ email: "w-owner@example.com", csrfToken: null });

    const block = await t.app.inject({
      method: "POST",
      url: `/api/hostings/${w.hosting.serviceName}/email/requests`,
      headers: bearer,
      payload: { action: "block" },
    });
    expect(block.statusCode).toBe(202);

    const other = await t.app.inject({
      method: "GET",
      url: `/api/hostings/${w.otherHosting.serviceName}/email`,
      headers: bearer,
    });
    expect(other.statusCode).toBe(404);
  });

  it("lets a cookie through when a proxy adds another Authorization scheme", async () => {
    const res = await t.app.inject({
      method: "GET",
      url: "/api/me",
      headers: { cookie: w.owner.cookie, authorization: "Basic c3RhZ2luZzpzdGFnaW5n" },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers["cache-control"]).toBe("no-store");
  });

  it("refuses an empty or overlong name", async () => {
    for (const name of ["", "   ", "x".repeat(101)]) {
      const res = await call(t.app, w.owner, "POST", "/api/tokens", { name });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.fields[0].path).toBe("name");
    }
  });
});

describe("CSRF", () => {
  const url = () => `/api/hostings/${w.otherHosting.serviceName}/email`;

  it("refuses a cookie mutation without the header, or with a wrong one", async () => {
    for (const headers of [
      { cookie: w.other.cookie },
      { cookie: w.other.cookie, "x-csrf-token": "wrong" },
      { cookie: w.other.cookie, "x-csrf-token": w.owner.csrfToken },
    ]) {
      const res = await t.app.inject({
        method: "PUT",
        url: url(),
        headers,
        payload: { reportRecipient: "csrf@example.com" },
      });
      expect(res.statusCode).toBe(403);
      expect(res.json().error).toEqual({
        code: "csrf_failed",
        message:
          "This request was refused because it did not come from the panel. Reload the page and try again.",
      });
    }
    const status = await call(t.app, w.other, "GET", url());
    expect(status.json().reportRecipient).not.toBe("csrf@example.com");
  });

  it("checks CSRF before the body, so a forged request learns nothing from validation", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: `${url()}/requests`,
      headers: { cookie: w.other.cookie },
      payload: { action: "nonsense" },
    });
    expect(res.statusCode).toBe(403);
  });

  it("accepts the mutation with the session's token", async () => {
    const res = await call(t.app, w.other, "PUT", url(), {
      reportRecipient: "csrf-ok@example.com",
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().reportRecipient).toBe("csrf-ok@example.com");
  });

  it("does not ask for it on reads, nor on login", async () => {
    const read = await t.app.inject({
      method: "GET",
      url: url(),
      headers: { cookie: w.other.cookie },
    });
    expect(read.statusCode).toBe(200);
    const relogin = await t.app.inject({
      method: "POST",
      url: "/api/session",
      headers: { cookie: w.other.cookie },
      payload: { email: "w-support@example.com", password: PASSWORD },
    });
    expect(relogin.statusCode).toBe(200);
  });
});
