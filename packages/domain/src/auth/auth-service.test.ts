import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HOUR, SYSTEM } from "../index.ts";
import {
  createWorld,
  disposeWorld,
  errorCode,
  PASSWORD,
  type World,
} from "../shared/test-fixtures.ts";

let w: World;
const MINUTE = 60_000;

beforeAll(async () => {
  w = await createWorld({ sessionTtlMs: 12 * HOUR });
});
afterAll(async () => {
  await disposeWorld(w);
});
beforeEach(async () => {
  await w.db.prisma.loginAttempt.deleteMany();
  w.clock.set("2026-03-10T12:00:00.000Z");
});

describe("users", () => {
  it("stores the address lower-case and the password as an argon2id hash", async () => {
    const row = await w.db.prisma.user.findUniqueOrThrow({ where: { email: "owner@example.org" } });
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
    expect(row.passwordHash).not.toContain(PASSWORD);
    expect(await w.services.users.findByEmail("OWNER@example.org")).toMatchObject({
      role: "customer",
      locale: "en",
    });
    expect(await w.services.users.count()).toBe(3);
  });

  it("refuses short passwords, bad addresses and taken addresses", async () => {
    const create = (email: string, password: string) =>
      w.services.users.create({ email, password, role: "customer" });
    expect(await errorCode(create("new@example.org", "1234567"))).toBe("validation_failed");
    expect(await errorCode(create("not-an-address", PASSWORD))).toBe("validation_failed");
    expect(await errorCode(create("OWNER@EXAMPLE.ORG", PASSWORD))).toBe("already_exists");
    const user = await create("new@example.org", "12345678");
    expect(user).toMatchObject({ email: "new@example.org", role: "customer" });
  });
});

describe("login", () => {
  it("opens a new session per login with its own CSRF token; only hashes are stored", async () => {
    const a = await w.services.auth.login("Owner@Example.org", PASSWORD);
    const b = await w.services.auth.login("owner@example.org", PASSWORD);
    expect(a.sessionToken).not.toBe(b.sessionToken);
    expect(a.csrfToken).not.toBe(b.csrfToken);
    expect(Buffer.from(a.sessionToken, "base64url")).toHaveLength(32);
    expect(a.user).toMatchObject({ email: "owner@example.org", role: "customer" });
    expect(a.expiresAt.toISOString()).toBe("2026-03-11T00:00:00.000Z");
    const stored = await w.db.prisma.session.findUniqueOrThrow({ where: { id: a.sessionId } });
    expect(stored.tokenHash).not.toBe(a.sessionToken);
    expect(stored.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    const attempts = await w.db.prisma.loginAttempt.findMany();
    expect(attempts.map((x) => [x.email, x.succeeded])).toEqual([
      ["owner@example.org", true],
      ["owner@example.org", true],
    ]);
  });

  it("refuses a wrong password and an unknown address alike", async () => {
    expect(await errorCode(w.services.auth.login("owner@example.org", "wrong password"))).toBe(
      "invalid_credentials",
    );
    expect(await errorCode(w.services.auth.login("nobody@example.org", PASSWORD))).toBe(
      "invalid_credentials",
    );
    expect(await w.db.prisma.loginAttempt.count({ where: { succeeded: false } })).toBe(2);
  });

  it("throttles an address after 5 failures in 15 minutes, even with the right password", async () => {
    for (let i = 0; i < 5; i++) {
      expect(await errorCode(w.services.auth.login("owner@example.org", `wrong ${i}`))).toBe(
        "invalid_credentials",
      );
      w.clock.advance(MINUTE);
    }
    // failures at 12:00..12:04; now 12:05: the first leaves the window at 12:15
    const error = await w.services.auth.login("owner@example.org", PASSWORD).catch((e) => e);
    expect(error).toMatchObject({ code: "too_many_attempts", params: { minutes: 10 } });
    // other addresses are not affected
    await expect(w.services.auth.login("other@example.net", PASSWORD)).resolves.toBeDefined();
    // throttled attempts are not recorded, so they do not extend the lock
    expect(await w.db.prisma.loginAttempt.count({ where: { email: "owner@example.org" } })).toBe(5);

    w.clock.set("2026-03-10T12:14:59.000Z");
    expect(await errorCode(w.services.auth.login("owner@example.org", PASSWORD))).toBe(
      "too_many_attempts",
    );
    w.clock.set("2026-03-10T12:15:00.001Z");
    await expect(w.services.auth.login("owner@example.org", PASSWORD)).resolves.toBeDefined();
  });

  it("a successful login clears the count of earlier failures", async () => {
    for (let i = 0; i < 4; i++) {
      await errorCode(w.services.auth.login("owner@example.org", "wrong"));
    }
    w.clock.advance(1);
    await w.services.auth.login("owner@example.org", PASSWORD);
    w.clock.advance(1);
    for (let i = 0; i < 4; i++) {
      expect(await errorCode(w.services.auth.login("owner@example.org", "wrong"))).toBe(
        "invalid_credentials",
      );
    }
    await expect(w.services.auth.login("owner@example.org", PASSWORD)).resolves.toBeDefined();
  });
});

describe("sessions", () => {
  it("authenticates, slides when less than half remains, expires and logs out", async () => {
    const { sessionToken, sessionId } = await w.services.auth.login("owner@example.org", PASSWORD);
    const stored = () => w.db.prisma.session.findUnique({ where: { id: sessionId } });

    w.clock.advance(5 * HOUR); // 7 h left of 12: no write
    const early = await w.services.auth.authenticateSession(sessionToken);
    expect(early?.user.email).toBe("owner@example.org");
    expect((await stored())?.expiresAt.toISOString()).toBe("2026-03-11T00:00:00.000Z");

    w.clock.advance(2 * HOUR); // 5 h left: slides to now + 12 h
    const slid = await w.services.auth.authenticateSession(sessionToken);
    expect(slid?.expiresAt.toISOString()).toBe("2026-03-11T07:00:00.000Z");
    expect((await stored())?.expiresAt.toISOString()).toBe("2026-03-11T07:00:00.000Z");

    w.clock.set("2026-03-11T07:00:00.000Z");
    expect(await w.services.auth.authenticateSession(sessionToken)).toBeNull();
    expect(await stored()).toBeNull();

    const again = await w.services.auth.login("owner@example.org", PASSWORD);
    expect(await w.services.auth.authenticateSession(again.sessionToken)).not.toBeNull();
    await w.services.auth.logout(again.sessionToken);
    expect(await w.services.auth.authenticateSession(again.sessionToken)).toBeNull();
    expect(await w.services.auth.authenticateSession("made-up")).toBeNull();
    expect(await w.services.auth.authenticateSession("")).toBeNull();
  });
});

describe("API tokens", () => {
  it("returns the token once, stores its hash, and authenticates with it", async () => {
    const created = await w.services.auth.createApiToken(w.support, "  ci  ");
    expect(created.name).toBe("ci");
    expect(created.token).toMatch(/^se_[A-Za-z0-9_-]{43}$/);
    expect(created.createdAt).toBe("2026-03-10T12:00:00.000Z");
    const row = await w.db.prisma.apiToken.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.tokenHash).not.toContain(created.token);
    expect(created.token.startsWith(row.prefix)).toBe(true);
    expect(row.lastUsedAt).toBeNull();

    w.clock.advance(HOUR);
    const user = await w.services.auth.authenticateToken(created.token);
    expect(user).toMatchObject({ email: "agent@hoster.test", role: "support" });
    const used = await w.db.prisma.apiToken.findUniqueOrThrow({ where: { id: created.id } });
    expect(used.lastUsedAt?.toISOString()).toBe("2026-03-10T13:00:00.000Z");
    // within the minute nothing is written again; after it, the time moves on
    w.clock.advance(30_000);
    await w.services.auth.authenticateToken(created.token);
    const same = await w.db.prisma.apiToken.findUniqueOrThrow({ where: { id: created.id } });
    expect(same.lastUsedAt?.toISOString()).toBe("2026-03-10T13:00:00.000Z");
    w.clock.advance(31_000);
    await w.services.auth.authenticateToken(created.token);
    const later = await w.db.prisma.apiToken.findUniqueOrThrow({ where: { id: created.id } });
    expect(later.lastUsedAt?.toISOString()).toBe("2026-03-10T13:01:01.000Z");

    expect(await w.services.auth.authenticateToken(`${created.token}x`)).toBeNull();
    expect(await w.services.auth.authenticateToken("se_nothing")).toBeNull();
    expect(await w.services.auth.authenticateToken(created.token.slice(3))).toBeNull();
  });

  it("needs a user and a name", async () => {
    expect(await errorCode(w.services.auth.createApiToken(SYSTEM, "x"))).toBe("forbidden");
    expect(await errorCode(w.services.auth.createApiToken(w.customer, "  "))).toBe(
      "validation_failed",
    );
  });
});
