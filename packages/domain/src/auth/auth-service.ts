import { type CreatedToken, TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS } from "@scripts-email/contracts";
import type { Actor } from "../actor.ts";
import type { InternalAuditService } from "../audit/audit-service.ts";
import { type Clock, DAY } from "../clock.ts";
import { DomainError } from "../errors.ts";
import { randomToken, sha256, verifyPassword } from "../shared/secrets.ts";
import type { UserRepository } from "../user/user-repository.ts";
import { toUserRecord, type UserRecord } from "../user/user-service.ts";
import { toApiToken } from "./account-service.ts";
import type { AuthRepository, SessionRow } from "./auth-repository.ts";
import {
  FAILURE_HISTORY,
  type LoginThrottleOptions,
  loginClientKey,
  loginWaitMs,
  throttledError,
} from "./login-throttle.ts";

export interface SessionInfo {
  user: UserRecord;
  sessionId: string;
  csrfToken: string;
  expiresAt: Date;
}

export interface AuthService {
  /**
   * Checks the password (argon2id) and opens a new session: a new token on every login. Throws
   * DomainError("invalid_credentials"). Repeated failures per (client, e-mail), per client and
   * per e-mail make the next attempt wait, growing from 1 s (DomainError("too_many_attempts",
   * { seconds, minutes })); a correct password from a client that has not failed is never kept
   * waiting by others' failures. `clientAddress`: the address the request came from.
   */
  login(
    email: string,
    password: string,
    clientAddress?: string | null,
  ): Promise<SessionInfo & { sessionToken: string }>;
  /** Returns null for an unknown or expired session. Extends a session that is in use. */
  authenticateSession(sessionToken: string): Promise<SessionInfo | null>;
  logout(sessionToken: string): Promise<void>;
  /**
   * Personal API token, returned once; only its hash is stored. It stops working after
   * `expiresInDays` (1–365, default 90).
   */
  createApiToken(actor: Actor, name: string, expiresInDays?: number): Promise<CreatedToken>;
  /** The user of a known, unexpired token; null otherwise. Read from the database every time. */
  authenticateToken(token: string): Promise<UserRecord | null>;
}

export const API_TOKEN_PREFIX = "se_";
/** How much of a token is kept in clear, to recognise it in a list. */
const STORED_PREFIX_LENGTH = 10;

export interface AuthOptions extends LoginThrottleOptions {
  sessionTtlMs: number;
}

/** Login attempts are kept this long (longer than any window: support can see why a user waited). */
const LOGIN_ATTEMPTS_KEPT_MS = 24 * 60 * 60_000;
/** A process prunes them at most this often. */
const LOGIN_PRUNE_INTERVAL_MS = 10 * 60_000;

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
  audit: InternalAuditService;
  clock: Clock;
  options: AuthOptions;
}): AuthService {
  const { auth, users, audit, clock, options } = deps;

  async function assertNotThrottled(email: string, client: string, now: Date): Promise<void> {
    const since = new Date(now.getTime() - options.loginWindowMs);
    const failures = await auth.recentFailures(email, client, since, FAILURE_HISTORY);
    const waitMs = loginWaitMs(failures, now, options);
    if (waitMs > 0) throw throttledError(waitMs);
  }

  /**
   * Attempts older than a day count for nothing: each process deletes them while logging in, at
   * most every 10 minutes. No scheduler job is needed: without logins no rows are added.
   */
  let lastPrunedAt = Number.NEGATIVE_INFINITY;
  async function pruneOldAttempts(now: Date): Promise<void> {
    if (now.getTime() - lastPrunedAt < LOGIN_PRUNE_INTERVAL_MS) return;
    lastPrunedAt = now.getTime();
    const keptMs = Math.max(LOGIN_ATTEMPTS_KEPT_MS, options.loginWindowMs);
    await auth.pruneLoginAttempts(new Date(now.getTime() - keptMs));
  }

  return {
    async login(rawEmail: string, password: string, clientAddress?: string | null) {
      const email = rawEmail.trim().toLowerCase();
      const client = loginClientKey(clientAddress);
      const now = clock.now();
      // a throttled attempt is neither checked nor recorded: waiting it out is all it costs
      await assertNotThrottled(email, client, now);
      const user = await users.findByEmail(email);
      // an unknown address still costs one argon2 verification, like a wrong password
      const ok = await verifyPassword(user?.passwordHash ?? null, password);
      await auth.recordLoginAttempt({
        email,
        clientAddress: client,
        succeeded: ok && user !== null,
        at: now,
      });
      await pruneOldAttempts(now);
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

    async createApiToken(actor: Actor, name: string, expiresInDays = TOKEN_DEFAULT_DAYS) {
      if (actor.kind !== "user") throw new DomainError("forbidden");
      const trimmed = name.trim();
      if (trimmed.length < 1 || trimmed.length > 100) {
        throw new DomainError("validation_failed", { field: "name" });
      }
      if (!Number.isInteger(expiresInDays) || expiresInDays < 1 || expiresInDays > TOKEN_MAX_DAYS) {
        throw new DomainError("validation_failed", { field: "expiresInDays" });
      }
      const token = `${API_TOKEN_PREFIX}${randomToken(32)}`;
      const now = clock.now();
      const row = await auth.createApiToken({
        name: trimmed,
        tokenHash: sha256(token),
        prefix: token.slice(0, STORED_PREFIX_LENGTH),
        userId: actor.userId,
        createdAt: now,
        expiresAt: new Date(now.getTime() + expiresInDays * DAY),
      });
      await audit.record({
        actor,
        action: "account.token_created",
        details: { name: row.name, prefix: row.prefix, expiresInDays },
      });
      return { ...toApiToken(row), token };
    },

    async authenticateToken(token: string) {
      if (!token.startsWith(API_TOKEN_PREFIX)) return null;
      const now = clock.now();
      const row = await auth.findApiToken(sha256(token), now);
      if (!row) return null;
      await auth.touchApiToken(row, now);
      return toUserRecord(row.user);
    },
  };
}
