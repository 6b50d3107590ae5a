import type { ApiToken, Session } from "@scripts-email/db";
import { BaseRepository } from "../shared/base-repository.ts";
import type { UserIdentity } from "../user/user-repository.ts";
import type { RecentFailures } from "./login-throttle.ts";

/** What authenticating a request needs: never the password hash. */
export interface SessionRow {
  id: string;
  csrfToken: string;
  expiresAt: Date;
  user: UserIdentity;
}

export interface ApiTokenRow {
  id: string;
  lastUsedAt: Date | null;
  user: UserIdentity;
}

/** A token's last use is recorded at most this often. */
const TOKEN_TOUCH_INTERVAL_MS = 60_000;

interface AuthJoinRow {
  id: string;
  userId: string;
  email: string;
  role: UserIdentity["role"];
  locale: string;
}

function userOf(row: AuthJoinRow): UserIdentity {
  return { id: row.userId, email: row.email, role: row.role, locale: row.locale };
}

export class AuthRepository extends BaseRepository {
  async recordLoginAttempt(attempt: {
    email: string;
    clientAddress: string;
    succeeded: boolean;
    at: Date;
  }): Promise<void> {
    await this.db.loginAttempt.create({ data: attempt });
  }

  /**
   * Failed logins since `since`, newest first, at most `limit` of each kind: of `email` (through
   * the (email, at) index), of `email` from `client`, and of `client` (the (clientAddress, at)
   * index). Successes clear nothing (see login-throttle.ts).
   */
  async recentFailures(
    email: string,
    client: string,
    since: Date,
    limit: number,
  ): Promise<RecentFailures> {
    const failed = (where: { email?: string; clientAddress?: string }) =>
      this.db.loginAttempt
        .findMany({
          where: { ...where, succeeded: false, at: { gte: since } },
          orderBy: { at: "desc" },
          take: limit,
          select: { at: true },
        })
        .then((rows) => rows.map((r) => r.at));
    const [byEmail, pair, byClient] = await Promise.all([
      failed({ email }),
      failed({ email, clientAddress: client }),
      failed({ clientAddress: client }),
    ]);
    return { email: byEmail, pair, client: byClient };
  }

  /** Removes the attempts older than `before`; they no longer count for anything. */
  async pruneLoginAttempts(before: Date): Promise<number> {
    const { count } = await this.db.loginAttempt.deleteMany({ where: { at: { lt: before } } });
    return count;
  }

  createSession(data: {
    tokenHash: string;
    csrfToken: string;
    userId: string;
    createdAt: Date;
    expiresAt: Date;
  }): Promise<Session> {
    return this.db.session.create({ data });
  }

  /** Every signed-in request asks this: plain SQL, one indexed join. */
  async findSession(tokenHash: string): Promise<SessionRow | null> {
    const [row] = await this.sql.query<AuthJoinRow & { csrfToken: string; expiresAt: Date }>(
      `SELECT s.id::text AS id, s."csrfToken", s."expiresAt",
              u.id::text AS "userId", u.email, u.role::text AS role, u.locale
         FROM "Session" s JOIN "User" u ON u.id = s."userId"
        WHERE s."tokenHash" = $1`,
      [tokenHash],
    );
    if (!row) return null;
    return {
      id: row.id,
      csrfToken: row.csrfToken,
      expiresAt: new Date(row.expiresAt),
      user: userOf(row),
    };
  }

  async extendSession(id: string, expiresAt: Date): Promise<void> {
    await this.sql.query(`UPDATE "Session" SET "expiresAt" = $2::timestamptz WHERE id = $1::uuid`, [
      id,
      expiresAt.toISOString(),
    ]);
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.db.session.deleteMany({ where: { tokenHash } });
  }

  createApiToken(data: {
    name: string;
    tokenHash: string;
    prefix: string;
    userId: string;
    createdAt: Date;
    expiresAt: Date;
  }): Promise<ApiToken> {
    return this.db.apiToken.create({ data });
  }

  /**
   * Every bearer request asks this: plain SQL, one indexed join. An expired token is no token,
   * whether or not the scheduler has removed it yet. Nothing is cached: a revoked or deleted
   * token fails on the next request.
   */
  async findApiToken(tokenHash: string, now: Date): Promise<ApiTokenRow | null> {
    const [row] = await this.sql.query<AuthJoinRow & { lastUsedAt: Date | null }>(
      `SELECT t.id::text AS id, t."lastUsedAt",
              u.id::text AS "userId", u.email, u.role::text AS role, u.locale
         FROM "ApiToken" t JOIN "User" u ON u.id = t."userId"
        WHERE t."tokenHash" = $1 AND t."expiresAt" > $2::timestamptz`,
      [tokenHash, now.toISOString()],
    );
    if (!row) return null;
    return {
      id: row.id,
      lastUsedAt: row.lastUsedAt === null ? null : new Date(row.lastUsedAt),
      user: userOf(row),
    };
  }

  /**
   * Records when a token was used, at most once a minute: a write (and a WAL flush) on every
   * request would cost more than the request itself. A token read less than a minute after its
   * last recorded use costs no statement at all; otherwise the update re-checks the time, so
   * that of concurrent requests only one writes.
   */
  async touchApiToken(token: Pick<ApiTokenRow, "id" | "lastUsedAt">, at: Date): Promise<void> {
    const staleBefore = at.getTime() - TOKEN_TOUCH_INTERVAL_MS;
    if (token.lastUsedAt && token.lastUsedAt.getTime() >= staleBefore) return;
    await this.sql.query(
      `UPDATE "ApiToken" SET "lastUsedAt" = $2::timestamptz
        WHERE id = $1::uuid AND ("lastUsedAt" IS NULL OR "lastUsedAt" < $3::timestamptz)`,
      [token.id, at.toISOString(), new Date(staleBefore).toISOString()],
    );
  }
}
