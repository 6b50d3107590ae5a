import type { ApiToken, Session, User } from "@scripts-email/db";
import { BaseRepository } from "../shared/base-repository.ts";

export type SessionRow = Session & { user: User };
export type ApiTokenRow = ApiToken & { user: User };

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

  findSession(tokenHash: string): Promise<SessionRow | null> {
    return this.db.session.findUnique({ where: { tokenHash }, include: { user: true } });
  }

  async extendSession(id: string, expiresAt: Date): Promise<void> {
    await this.db.session.updateMany({ where: { id }, data: { expiresAt } });
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
  }): Promise<ApiToken> {
    return this.db.apiToken.create({ data });
  }

  findApiToken(tokenHash: string): Promise<ApiTokenRow | null> {
    return this.db.apiToken.findUnique({ where: { tokenHash }, include: { user: true } });
  }

  /**
   * Records when a token was used, at most once a minute: a write (and a WAL flush) on every
   * request would cost more than the request itself.
   */
  async touchApiToken(id: string, at: Date): Promise<void> {
    const staleBefore = new Date(at.getTime() - 60_000);
    await this.db.apiToken.updateMany({
      where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: staleBefore } }] },
      data: { lastUsedAt: at },
    });
  }
}
