import type { ApiToken } from "@scripts-email/db";
import { BaseRepository, type Tx } from "../shared/base-repository.ts";

/** What a signed-in user manages of their own credentials: tokens and password. */
export class AccountRepository extends BaseRepository {
  /** The user's tokens, newest first; the hash never leaves this method. */
  listApiTokens(userId: string): Promise<Omit<ApiToken, "tokenHash" | "userId">[]> {
    return this.db.apiToken.findMany({
      where: { userId },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      select: {
        id: true,
        name: true,
        prefix: true,
        createdAt: true,
        lastUsedAt: true,
        expiresAt: true,
      },
    });
  }

  /** Deletes one of the user's tokens; returns what it deleted, null when there was none. */
  async deleteApiToken(
    userId: string,
    id: string,
  ): Promise<Pick<ApiToken, "id" | "name" | "prefix"> | null> {
    const row = await this.db.apiToken.findFirst({
      where: { id, userId },
      select: { id: true, name: true, prefix: true },
    });
    if (!row) return null;
    // of two concurrent revocations, only the one that deleted it reports it
    const { count } = await this.db.apiToken.deleteMany({ where: { id, userId } });
    return count === 1 ? row : null;
  }

  /** The user's unexpired sessions, newest first; never the token's hash or the CSRF token. */
  listSessions(
    userId: string,
    now: Date,
  ): Promise<{ id: string; createdAt: Date; expiresAt: Date }[]> {
    return this.db.session.findMany({
      where: { userId, expiresAt: { gt: now } },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      select: { id: true, createdAt: true, expiresAt: true },
    });
  }

  /** Ends one of the user's sessions; false when it had none of that id (or it already ended). */
  async deleteSession(userId: string, id: string): Promise<boolean> {
    const { count } = await this.db.session.deleteMany({ where: { id, userId } });
    return count === 1;
  }

  passwordHashOf(userId: string): Promise<{ passwordHash: string } | null> {
    return this.db.user.findUnique({ where: { id: userId }, select: { passwordHash: true } });
  }

  userByEmail(email: string): Promise<{ id: string; passwordHash: string } | null> {
    return this.db.user.findUnique({ where: { email }, select: { id: true, passwordHash: true } });
  }

  /**
   * Sets the new hash, if the old one is still `oldHash` (else null: changed meanwhile; null
   * `oldHash`: whatever it was), and ends
   * every credential made with the old password: all sessions but `keepSessionId`, all API
   * tokens. Returns how many of each ended.
   */
  async replacePassword(
    tx: Tx,
    change: {
      userId: string;
      oldHash: string | null;
      newHash: string;
      keepSessionId: string | null;
    },
  ): Promise<{ sessions: number; tokens: number } | null> {
    const { userId, keepSessionId } = change;
    const updated = await tx.user.updateMany({
      where: { id: userId, ...(change.oldHash === null ? {} : { passwordHash: change.oldHash }) },
      data: { passwordHash: change.newHash },
    });
    if (updated.count !== 1) return null;
    const sessions = await tx.session.deleteMany({
      where: { userId, ...(keepSessionId ? { id: { not: keepSessionId } } : {}) },
    });
    const tokens = await tx.apiToken.deleteMany({ where: { userId } });
    return { sessions: sessions.count, tokens: tokens.count };
  }

  /** Removes sessions that have expired and tokens that expired before `tokensBefore`. */
  async pruneExpired(now: Date, tokensBefore: Date): Promise<number> {
    const sessions = await this.db.session.deleteMany({ where: { expiresAt: { lte: now } } });
    const tokens = await this.db.apiToken.deleteMany({
      where: { expiresAt: { lte: tokensBefore } },
    });
    return sessions.count + tokens.count;
  }
}
