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

  const GUESSER = "203.0.113.66";
  const USER_CLIENT = "198.51.100.7";
  const login = (email: string, password: string, client: string) =>
    w.services.auth.login(email, password, client);
  /** The wait asked of a login now, in seconds; 0 when it was checked (and refused). */
  const waitOf = async (email: string, password: string, client: string) => {
    const error = await login(email, password, client).catch((e) => e);
    if (error?.code === "invalid_credentials") return 0;
    expect(error).toMatchObject({ code: "too_many_attempts" });
    return error.params.seconds as number;
  };

  it("makes a guesser wait 1 s, 2 s, 4 s … up to 5 minutes per (client, e-mail), never locking the user out", async () => {
    for (let i = 0; i < 5; i++) {
      expect(await errorCode(login("owner@example.org", `wrong ${i}`, GUESSER))).toBe(
        "invalid_credentials",
      );
    }
    const waits: number[] = [];
    for (let i = 0; i < 10; i++) {
      const seconds = await waitOf("owner@example.org", PASSWORD, GUESSER);
      waits.push(seconds);
      // waiting a little less is not enough, and is not recorded
      w.clock.advance(seconds * 1000 - 1);
      expect(await waitOf("owner@example.org", "wrong", GUESSER)).toBe(1);
      w.clock.advance(1);
      expect(await waitOf("owner@example.org", "wrong again", GUESSER)).toBe(0);
    }
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 300]);
    // 15 failures of this e-mail in 14 minutes: the user, from their own client, gets in at once
    const session = await login("OWNER@example.org", PASSWORD, USER_CLIENT);
    expect(session.user.email).toBe("owner@example.org");
    // and the guesser's client is told the whole wait (error params: seconds and minutes)
    const error = await login("owner@example.org", PASSWORD, GUESSER).catch((e) => e);
    expect(error).toMatchObject({
      code: "too_many_attempts",
      params: { seconds: 300, minutes: 5 },
    });
    expect(error.messageKey).toBeUndefined();
    const attempts = await w.db.prisma.loginAttempt.groupBy({
      by: ["clientAddress", "succeeded"],
      _count: true,
      orderBy: { clientAddress: "asc" },
    });
    expect(attempts.map((a) => [a.clientAddress, a.succeeded, a._count])).toEqual([
      [USER_CLIENT, true, 1],
      [GUESSER, false, 15],
    ]);
  });

  it("lets a user who mistyped during an attack in after their own capped wait, which the guesser cannot extend", async () => {
    for (let i = 0; i < 12; i++)
      await errorCode(login("owner@example.org", "guess", `192.0.2.${i}`));
    expect(await waitOf("owner@example.org", "typo", USER_CLIENT)).toBe(0);
    // 13 failures of the e-mail (10 free): this client, which failed on it, waits 8 s
    expect(await waitOf("owner@example.org", PASSWORD, USER_CLIENT)).toBe(8);
    w.clock.advance(4_000);
    for (let i = 0; i < 20; i++)
      await errorCode(login("owner@example.org", "guess", `192.0.2.${100 + i}`));
    // the guesses since (33 failures) make the next wait after *this* client's failure longer,
    // but it still counts from this client's own failure, and is capped
    expect(await waitOf("owner@example.org", PASSWORD, USER_CLIENT)).toBe(296);
    w.clock.advance(296_000);
    await expect(login("owner@example.org", PASSWORD, USER_CLIENT)).resolves.toBeDefined();
  });

  it("makes one client trying many addresses wait, whatever the address, and only that client", async () => {
    for (let i = 0; i < 10; i++) {
      expect(await errorCode(login(`user${i}@example.org`, "guess", GUESSER))).toBe(
        "invalid_credentials",
      );
    }
    const error = await login("other@example.net", PASSWORD, GUESSER).catch((e) => e);
    expect(error).toMatchObject({
      code: "too_many_attempts",
      params: { seconds: 1, minutes: 1 },
      messageKey: "error.too_many_attempts.seconds",
    });
    await expect(login("other@example.net", PASSWORD, USER_CLIENT)).resolves.toBeDefined();
  });

  it("clears nothing on success: 4 wrong + 1 right, repeated, gets delayed", async () => {
    for (let i = 0; i < 4; i++) await errorCode(login("owner@example.org", "wrong", GUESSER));
    await login("owner@example.org", PASSWORD, GUESSER);
    expect(await waitOf("owner@example.org", "wrong", GUESSER)).toBe(0);
    expect(await waitOf("owner@example.org", PASSWORD, GUESSER)).toBe(1);
    // failures leave the 15-minute window, and then count for nothing
    w.clock.advance(15 * MINUTE);
    await expect(login("owner@example.org", PASSWORD, GUESSER)).resolves.toBeDefined();
  });

  it("counts a login without a client address under one unknown client, and an IPv6 client by its /64", async () => {
    await errorCode(w.services.auth.login("owner@example.org", "wrong"));
    for (let i = 0; i < 4; i++) {
      await errorCode(login("owner@example.org", "wrong", `2001:db8:1:2::${i + 1}`));
    }
    const rows = await w.db.prisma.loginAttempt.findMany({ orderBy: { at: "asc" } });
    expect(new Set(rows.map((r) => r.clientAddress))).toEqual(
      new Set(["unknown", "2001:db8:1:2::/64"]),
    );
    // the fifth failure of the /64 comes from yet another of its addresses
    await errorCode(login("owner@example.org", "wrong", "2001:db8:1:2:ffff::9"));
    expect(await waitOf("owner@example.org", PASSWORD, "2001:db8:1:2:abcd::1")).toBe(1);
    await expect(login("owner@example.org", PASSWORD, "2001:db8:1:3::1")).resolves.toBeDefined();
  });

  it("deletes attempts older than a day while logging in", async () => {
    await errorCode(login("owner@example.org", "wrong", GUESSER));
    w.clock.advance(24 * HOUR + 1);
    await login("owner@example.org", PASSWORD, USER_CLIENT);
    const rows = await w.db.prisma.loginAttempt.findMany();
    expect(rows.map((r) => [r.clientAddress, r.succeeded])).toEqual([[USER_CLIENT, true]]);
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
