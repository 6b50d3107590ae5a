import type { ApiToken, Session } from "@scripts-email/db";
import { BaseRepository } from "../shared/base-repository.ts";
import type { UserIdentity } from "../user/user-repository.ts";

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
  async recordLoginAttempt(email: string, succeeded: boolean, at: Date): Promise<void> {
    await this.db.loginAttempt.create({ data: { email, succeeded, at } });
  }

  /**
   * Times of the failed logins for `email` since `since` that came after its last successful
   * one, newest first (through the (email, at) index).
   */
  async recentFailures(email: string, since: Date, limit: number): Promise<Date[]> {
    const lastSuccess = await this.db.loginAttempt.findFirst({
      where: { email, succeeded: true, at: { gte: since } },
      orderBy: { at: "desc" },
      select: { at: true },
    });
    const rows = await this.db.loginAttempt.findMany({
      where: {
        email,
        succeeded: false,
        at: lastSuccess ? { gt: lastSuccess.at } : { gte: since },
      },
      orderBy: { at: "desc" },
      take: limit,
      select: { at: true },
    });
    return rows.map((r) => r.at);
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

  /** Every bearer request asks this: plain SQL, one indexed join. */
  async findApiToken(tokenHash: string): Promise<ApiTokenRow | null> {
    const [row] = await this.sql.query<AuthJoinRow & { lastUsedAt: Date | null }>(
      `SELECT t.id::text AS id, t."lastUsedAt",
              u.id::text AS "userId", u.email, u.role::text AS role, u.locale
         FROM "ApiToken" t JOIN "User" u ON u.id = t."userId"
        WHERE t."tokenHash" = $1`,
      [tokenHash],
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
