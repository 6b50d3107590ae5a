import type { Actor } from "../actor.ts";
import type { Clock } from "../clock.ts";
import { DomainError } from "../errors.ts";
import type { AuthService, SessionInfo } from "../services.ts";
import { randomToken, sha256, verifyPassword } from "../shared/secrets.ts";
import type { UserRepository } from "../user/user-repository.ts";
import { toUserRecord } from "../user/user-service.ts";
import type { AuthRepository, SessionRow } from "./auth-repository.ts";

export const API_TOKEN_PREFIX = "se_";
/** How much of a token is kept in clear, to recognise it in a list. */
const STORED_PREFIX_LENGTH = 10;

export interface AuthOptions {
  sessionTtlMs: number;
  maxFailedLogins: number;
  loginWindowMs: number;
}

function toSessionInfo(row: SessionRow): SessionInfo {
  return {
    user: toUserRecord(row.user),
    sessionId: row.id,
    csrfToken: row.csrfToken,
    expiresAt: row.expiresAt,
  };
}

export function createAuthService(deps: {
  auth: AuthRepository;
  users: UserRepository;
  clock: Clock;
  options: AuthOptions;
}): AuthService {
  const { auth, users, clock, options } = deps;

  async function assertNotThrottled(email: string, now: Date): Promise<void> {
    const since = new Date(now.getTime() - options.loginWindowMs);
    const failures = await auth.recentFailures(email, since, options.maxFailedLogins);
    const oldestCounted = failures[options.maxFailedLogins - 1];
    if (!oldestCounted) return;
    // the address is free again once the oldest counted failure leaves the window
    const retryAt = oldestCounted.getTime() + options.loginWindowMs;
    const minutes = Math.max(1, Math.ceil((retryAt - now.getTime()) / 60_000));
    throw new DomainError("too_many_attempts", { minutes });
  }

  return {
    async login(rawEmail: string, password: string) {
      const email = rawEmail.trim().toLowerCase();
      const now = clock.now();
      await assertNotThrottled(email, now);
      const user = await users.findByEmail(email);
      // an unknown address still costs one argon2 verification, like a wrong password
      const ok = await verifyPassword(user?.passwordHash ?? null, password);
      await auth.recordLoginAttempt(email, ok && user !== null, now);
      if (!ok || !user) throw new DomainError("invalid_credentials");
      const sessionToken = randomToken(32);
      const session = await auth.createSession({
        tokenHash: sha256(sessionToken),
        csrfToken: randomToken(32),
        userId: user.id,
        createdAt: now,
        expiresAt: new Date(now.getTime() + options.sessionTtlMs),
      });
      return { ...toSessionInfo({ ...session, user }), sessionToken };
    },

    async authenticateSession(sessionToken: string) {
      if (!sessionToken) return null;
      const tokenHash = sha256(sessionToken);
      const row = await auth.findSession(tokenHash);
      if (!row) return null;
      const now = clock.now().getTime();
      if (row.expiresAt.getTime() <= now) {
        await auth.deleteSession(tokenHash);
        return null;
      }
      // slide only when half the lifetime is gone: one write per half-TTL, not per request
      if (row.expiresAt.getTime() - now < options.sessionTtlMs / 2) {
        const expiresAt = new Date(now + options.sessionTtlMs);
        await auth.extendSession(row.id, expiresAt);
        return toSessionInfo({ ...row, expiresAt });
      }
      return toSessionInfo(row);
    },

    async logout(sessionToken: string) {
      if (sessionToken) await auth.deleteSession(sha256(sessionToken));
    },

    async createApiToken(actor: Actor, name: string) {
      if (actor.kind !== "user") throw new DomainError("forbidden");
      const trimmed = name.trim();
      if (trimmed.length < 1 || trimmed.length > 100) {
        throw new DomainError("validation_failed", { field: "name" });
      }
      const token = `${API_TOKEN_PREFIX}${randomToken(32)}`;
      const row = await auth.createApiToken({
        name: trimmed,
        tokenHash: sha256(token),
        prefix: token.slice(0, STORED_PREFIX_LENGTH),
        userId: actor.userId,
        createdAt: clock.now(),
        // Replaced by the token work of issue 12 (a chosen expiry); 90 days meanwhile.
        expiresAt: new Date(clock.now().getTime() + 90 * 86_400_000),
      });
      return { id: row.id, name: row.name, token, createdAt: row.createdAt.toISOString() };
    },

    async authenticateToken(token: string) {
      if (!token.startsWith(API_TOKEN_PREFIX)) return null;
      const row = await auth.findApiToken(sha256(token));
      if (!row) return null;
      await auth.touchApiToken(row, clock.now());
      return toUserRecord(row.user);
    },
  };
}
