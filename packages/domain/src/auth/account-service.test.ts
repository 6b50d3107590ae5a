import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DAY, HOUR, SYSTEM } from "../index.ts";
import {
  createWorld,
  disposeWorld,
  errorCode,
  PASSWORD,
  type World,
} from "../shared/test-fixtures.ts";

let w: World;

beforeAll(async () => {
  w = await createWorld({ sessionTtlMs: 12 * HOUR });
});
afterAll(async () => {
  await disposeWorld(w);
});
beforeEach(async () => {
  await w.db.prisma.apiToken.deleteMany();
  await w.db.prisma.session.deleteMany();
  await w.db.prisma.auditEntry.deleteMany();
  await w.db.prisma.loginAttempt.deleteMany();
  w.clock.set("2026-03-10T12:00:00.000Z");
});

describe("token expiry", () => {
  it("lasts the chosen number of days (90 by default), then is refused", async () => {
    const short = await w.services.auth.createApiToken(w.customer, "short", 1);
    const usual = await w.services.auth.createApiToken(w.customer, "usual");
    expect(short.expiresAt).toBe("2026-03-11T12:00:00.000Z");
    expect(usual.expiresAt).toBe("2026-06-08T12:00:00.000Z");

    w.clock.set("2026-03-11T11:59:59.999Z");
    expect(await w.services.auth.authenticateToken(short.token)).not.toBeNull();
    w.clock.set("2026-03-11T12:00:00.000Z");
    expect(await w.services.auth.authenticateToken(short.token)).toBeNull();
    expect(await w.services.auth.authenticateToken(usual.token)).not.toBeNull();
    w.clock.set("2026-06-08T12:00:00.000Z");
    expect(await w.services.auth.authenticateToken(usual.token)).toBeNull();
  });

  it("is between 1 and 365 whole days", async () => {
    for (const days of [0, 366, 1.5, -1]) {
      const error = await w.services.auth.createApiToken(w.customer, "x", days).catch((e) => e);
      expect(error).toMatchObject({
        code: "validation_failed",
        params: { field: "expiresInDays" },
      });
    }
    const year = await w.services.auth.createApiToken(w.customer, "year", 365);
    expect(year.expiresAt).toBe("2027-03-10T12:00:00.000Z");
  });
});

describe("listing and revoking tokens", () => {
  it("lists the user's own tokens, newest first, without the secret or its hash", async () => {
    const first = await w.services.auth.createApiToken(w.customer, "first", 30);
    w.clock.advance(HOUR);
    const second = await w.services.auth.createApiToken(w.customer, "second");
    await w.services.auth.createApiToken(w.other, "not mine");
    w.clock.advance(HOUR);
    await w.services.auth.authenticateToken(first.token);

    const list = await w.services.account.listApiTokens(w.customer);
    expect(list).toEqual([
      {
        id: second.id,
        name: "second",
        prefix: second.token.slice(0, 10),
        createdAt: "2026-03-10T13:00:00.000Z",
        lastUsedAt: null,
        expiresAt: "2026-06-08T13:00:00.000Z",
      },
      {
        id: first.id,
        name: "first",
        prefix: first.token.slice(0, 10),
        createdAt: "2026-03-10T12:00:00.000Z",
        lastUsedAt: "2026-03-10T14:00:00.000Z",
        expiresAt: "2026-04-09T12:00:00.000Z",
      },
    ]);
    const text = JSON.stringify(list);
    expect(text).not.toContain(first.token);
    expect(text).not.toContain(second.token);
    expect(text).not.toContain("tokenHash");
    expect(await errorCode(w.services.account.listApiTokens(SYSTEM))).toBe("forbidden");
  });

  it("a revoked token fails on the very next request; another user's is not found", async () => {
    const mine = await w.services.auth.createApiToken(w.customer, "mine");
    const theirs = await w.services.auth.createApiToken(w.other, "theirs");
    expect(await w.services.auth.authenticateToken(mine.token)).not.toBeNull();

    expect(await errorCode(w.services.account.revokeApiToken(w.customer, theirs.id))).toBe(
      "not_found",
    );
    expect(await w.services.auth.authenticateToken(theirs.token)).not.toBeNull();

    await w.services.account.revokeApiToken(w.customer, mine.id);
    expect(await w.services.auth.authenticateToken(mine.token)).toBeNull();
    expect(await errorCode(w.services.account.revokeApiToken(w.customer, mine.id))).toBe(
      "not_found",
    );
    const audit = await w.db.prisma.auditEntry.findMany({ orderBy: { id: "asc" } });
    expect(audit).toMatchObject([
      {
        actorId: w.customer.userId,
        actorRole: "customer",
        action: "account.token_created",
        details: { name: "mine", prefix: mine.token.slice(0, 10), expiresInDays: 90 },
      },
      { actorId: w.other.userId, action: "account.token_created", details: { name: "theirs" } },
      {
        actorId: w.customer.userId,
        action: "account.token_revoked",
        details: { name: "mine", prefix: mine.token.slice(0, 10) },
      },
    ]);
  });
});

describe("sessions", () => {
  it("lists the user's unexpired sessions, newest first, marking the current one", async () => {
    const first = await w.services.auth.login("owner@example.org", PASSWORD);
    w.clock.advance(HOUR);
    const second = await w.services.auth.login("owner@example.org", PASSWORD);
    await w.services.auth.login("other@example.net", PASSWORD);
    const list = await w.services.account.listSessions(w.customer, first.sessionId);
    expect(list).toEqual([
      {
        id: second.sessionId,
        createdAt: "2026-03-10T13:00:00.000Z",
        expiresAt: "2026-03-11T01:00:00.000Z",
        current: false,
      },
      {
        id: first.sessionId,
        createdAt: "2026-03-10T12:00:00.000Z",
        expiresAt: "2026-03-11T00:00:00.000Z",
        current: true,
      },
    ]);
    expect(JSON.stringify(list)).not.toContain(first.sessionToken);
    // an expired session is no session, whether or not it was pruned yet
    w.clock.set("2026-03-11T00:30:00.000Z");
    expect((await w.services.account.listSessions(w.customer, null)).map((s) => s.id)).toEqual([
      second.sessionId,
    ]);
    expect(await errorCode(w.services.account.listSessions(SYSTEM, null))).toBe("forbidden");
  });

  it("ends one of the user's own sessions at once, audited; others' are not found", async () => {
    const mine = await w.services.auth.login("owner@example.org", PASSWORD);
    const kept = await w.services.auth.login("owner@example.org", PASSWORD);
    const theirs = await w.services.auth.login("other@example.net", PASSWORD);
    expect(await errorCode(w.services.account.endSession(w.customer, theirs.sessionId))).toBe(
      "not_found",
    );
    expect(await errorCode(w.services.account.endSession(w.customer, "not-a-uuid"))).toBe(
      "not_found",
    );
    expect(await w.services.auth.authenticateSession(theirs.sessionToken)).not.toBeNull();
    await w.services.account.endSession(w.customer, mine.sessionId);
    expect(await w.services.auth.authenticateSession(mine.sessionToken)).toBeNull();
    expect(await w.services.auth.authenticateSession(kept.sessionToken)).not.toBeNull();
    expect(await errorCode(w.services.account.endSession(w.customer, mine.sessionId))).toBe(
      "not_found",
    );
    expect(await w.db.prisma.auditEntry.findMany()).toMatchObject([
      {
        actorId: w.customer.userId,
        actorRole: "customer",
        action: "account.session_ended",
        hostingId: null,
        details: { sessionId: mine.sessionId },
      },
    ]);
  });
});

describe("password change", () => {
  it("needs the current password and a valid new one", async () => {
    const change = (currentPassword: string, newPassword: string) =>
      w.services.account
        .changePassword(w.customer, { currentPassword, newPassword, keepSessionId: null })
        .catch((e) => e);
    expect(await change("wrong", "a new password")).toMatchObject({
      code: "validation_failed",
      params: { field: "currentPassword" },
    });
    expect(await change(PASSWORD, "short")).toMatchObject({
      code: "validation_failed",
      params: { field: "newPassword" },
    });
    expect(await w.db.prisma.auditEntry.count()).toBe(0);
    await expect(w.services.auth.login("owner@example.org", PASSWORD)).resolves.toBeDefined();
  });

  it("slows down guesses at the current password like failed sign-ins", async () => {
    const change = (currentPassword: string) =>
      w.services.account
        .changePassword(w.customer, {
          currentPassword,
          newPassword: "a new password",
          keepSessionId: null,
          clientAddress: "203.0.113.9",
        })
        .catch((e) => e);
    for (let i = 0; i < 5; i++) {
      expect(await change(`guess ${i}`)).toMatchObject({ code: "validation_failed" });
    }
    expect(await w.db.prisma.loginAttempt.count({ where: { succeeded: false } })).toBe(5);
    // even the right password waits now, and so does a sign-in from that client
    expect(await change(PASSWORD)).toMatchObject({ code: "too_many_attempts" });
    expect(
      await errorCode(w.services.auth.login("owner@example.org", PASSWORD, "203.0.113.9")),
    ).toBe("too_many_attempts");
    w.clock.advance(1_000);
    expect(await change(PASSWORD)).toBeUndefined();
    await w.services.account.changePassword(w.customer, {
      currentPassword: "a new password",
      newPassword: PASSWORD,
      keepSessionId: null,
    });
  });

  it("ends the user's other sessions and every token, keeps the current session, is audited", async () => {
    const current = await w.services.auth.login("owner@example.org", PASSWORD);
    const elsewhere = await w.services.auth.login("owner@example.org", PASSWORD);
    const token = await w.services.auth.createApiToken(w.customer, "deploy");
    const othersSession = await w.services.auth.login("other@example.net", PASSWORD);
    const othersToken = await w.services.auth.createApiToken(w.other, "theirs");

    await w.services.account.changePassword(w.customer, {
      currentPassword: PASSWORD,
      newPassword: "a brand new password",
      keepSessionId: current.sessionId,
    });

    expect(await w.services.auth.authenticateSession(current.sessionToken)).not.toBeNull();
    expect(await w.services.auth.authenticateSession(elsewhere.sessionToken)).toBeNull();
    expect(await w.services.auth.authenticateToken(token.token)).toBeNull();
    expect(await w.services.account.listApiTokens(w.customer)).toEqual([]);
    // nobody else is touched
    expect(await w.services.auth.authenticateSession(othersSession.sessionToken)).not.toBeNull();
    expect(await w.services.auth.authenticateToken(othersToken.token)).not.toBeNull();

    expect(await errorCode(w.services.auth.login("owner@example.org", PASSWORD))).toBe(
      "invalid_credentials",
    );
    await expect(
      w.services.auth.login("owner@example.org", "a brand new password"),
    ).resolves.toBeDefined();
    expect(
      await w.db.prisma.auditEntry.findMany({
        where: { action: { not: "account.token_created" } },
      }),
    ).toMatchObject([
      {
        actorId: w.customer.userId,
        actorRole: "customer",
        action: "account.password_changed",
        details: { sessionsEnded: 1, tokensRevoked: 1 },
      },
    ]);
    // put it back for the other tests
    await w.services.account.changePassword(w.customer, {
      currentPassword: "a brand new password",
      newPassword: PASSWORD,
      keepSessionId: null,
    });
  });
});

describe("pruning", () => {
  it("removes expired sessions at once and expired tokens a week later", async () => {
    const session = await w.services.auth.login("owner@example.org", PASSWORD);
    const token = await w.services.auth.createApiToken(w.customer, "day", 1);
    const lasting = await w.services.auth.createApiToken(w.customer, "lasting", 30);

    expect(await w.services.account.pruneExpired()).toBe(0);
    w.clock.advance(DAY);
    // the session (12 h) and the token (1 day) have expired; the token stays listed a week
    expect(await w.services.account.pruneExpired()).toBe(1);
    expect(await w.db.prisma.session.count({ where: { id: session.sessionId } })).toBe(0);
    expect((await w.services.account.listApiTokens(w.customer)).map((t) => t.name)).toEqual([
      "lasting",
      "day",
    ]);
    w.clock.advance(7 * DAY);
    expect(await w.services.account.pruneExpired()).toBe(1);
    expect((await w.services.account.listApiTokens(w.customer)).map((t) => t.id)).toEqual([
      lasting.id,
    ]);
    expect(await w.db.prisma.apiToken.count({ where: { id: token.id } })).toBe(0);
  });
});
