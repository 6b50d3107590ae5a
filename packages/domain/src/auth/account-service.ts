import type { AccountSession, ApiToken } from "@scripts-email/contracts";
import { type Actor, SYSTEM } from "../actor.ts";
import type { InternalAuditService } from "../audit/audit-service.ts";
import { type Clock, DAY } from "../clock.ts";
import { DomainError } from "../errors.ts";
import { hashPassword, verifyPassword } from "../shared/secrets.ts";
import { isUuid } from "../shared/validation.ts";
import { assertPassword } from "../user/user-service.ts";
import type { AccountRepository } from "./account-repository.ts";
import type { AuthRepository } from "./auth-repository.ts";
import {
  FAILURE_HISTORY,
  type LoginThrottleOptions,
  loginClientKey,
  loginWaitMs,
  throttledError,
} from "./login-throttle.ts";

/** What signed-in users manage of their own credentials. */
export interface AccountService {
  /** The actor's own tokens, newest first, expired ones too until pruned; never the secret. */
  listApiTokens(actor: Actor): Promise<ApiToken[]>;
  /** Deletes one of the actor's own tokens at once; anyone else's is DomainError("not_found"). */
  revokeApiToken(actor: Actor, id: string): Promise<void>;
  /**
   * The actor's unexpired sessions, newest first, `currentSessionId` marked as current (null:
   * the request came with an API token).
   */
  listSessions(actor: Actor, currentSessionId: string | null): Promise<AccountSession[]>;
  /**
   * Ends one of the actor's own sessions at once (the current one too: that signs out);
   * anyone else's is DomainError("not_found"). Audited.
   */
  endSession(actor: Actor, id: string): Promise<void>;
  /**
   * Needs the current password (else validation_failed on `currentPassword`; repeated wrong
   * ones are throttled as failed sign-ins, DomainError("too_many_attempts")); the new one obeys
   * the rule of user creation. Ends every session of the user but `keepSessionId` and every API
   * token; audited.
   */
  changePassword(
    actor: Actor,
    input: {
      currentPassword: string;
      newPassword: string;
      keepSessionId: string | null;
      /** Where the request came from: wrong current passwords count as failed sign-ins there. */
      clientAddress?: string | null;
    },
  ): Promise<void>;
  /**
   * The operator's reset (CLI), without the current password: ends every session and API token
   * of the user (DomainError("not_found") for an unknown address); audited as the system.
   */
  resetPassword(email: string, newPassword: string): Promise<{ sessions: number; tokens: number }>;
  /** Deletes expired sessions, and tokens a week after they expired. Returns how many. */
  pruneExpired(): Promise<number>;
}

/** An expired token stays listed (as expired) this long, so its owner can see why it stopped. */
export const EXPIRED_TOKEN_KEPT_MS = 7 * DAY;

export function toApiToken(row: {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date;
}): ApiToken {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    expiresAt: row.expiresAt.toISOString(),
  };
}

function userOf(actor: Actor): Extract<Actor, { kind: "user" }> {
  if (actor.kind !== "user") throw new DomainError("forbidden");
  return actor;
}

export function createAccountService(deps: {
  account: AccountRepository;
  auth: AuthRepository;
  audit: InternalAuditService;
  clock: Clock;
  throttle: LoginThrottleOptions;
}): AccountService {
  const { account, auth, audit, clock, throttle } = deps;

  /**
   * Whoever holds a session (a borrowed computer, a stolen cookie) could otherwise guess the
   * current password at will and then take the account: guesses here are failed sign-ins of the
   * address from that client, slowed down like those.
   */
  async function checkCurrentPassword(
    email: string,
    clientAddress: string | null | undefined,
    hash: string | undefined,
    password: string,
  ): Promise<boolean> {
    const client = loginClientKey(clientAddress);
    const now = clock.now();
    const since = new Date(now.getTime() - throttle.loginWindowMs);
    const failures = await auth.recentFailures(email, client, since, FAILURE_HISTORY);
    const waitMs = loginWaitMs(failures, now, throttle);
    if (waitMs > 0) throw throttledError(waitMs);
    const ok = await verifyPassword(hash ?? null, password);
    if (!ok)
      await auth.recordLoginAttempt({ email, clientAddress: client, succeeded: false, at: now });
    return ok;
  }

  return {
    async listApiTokens(actor) {
      const user = userOf(actor);
      return (await account.listApiTokens(user.userId)).map(toApiToken);
    },

    async revokeApiToken(actor, id) {
      const user = userOf(actor);
      // another user's token is as unknown as one that never existed
      const gone = await account.deleteApiToken(user.userId, id);
      if (!gone) throw new DomainError("not_found");
      await audit.record({
        actor,
        action: "account.token_revoked",
        details: { name: gone.name, prefix: gone.prefix },
      });
    },

    async listSessions(actor, currentSessionId) {
      const user = userOf(actor);
      const rows = await account.listSessions(user.userId, clock.now());
      return rows.map((row) => ({
        id: row.id,
        createdAt: row.createdAt.toISOString(),
        expiresAt: row.expiresAt.toISOString(),
        current: row.id === currentSessionId,
      }));
    },
    async endSession(actor, id) {
      const user = userOf(actor);
      // another user's session is as unknown as one that never existed
      if (!isUuid(id) || !(await account.deleteSession(user.userId, id))) {
        throw new DomainError("not_found");
      }
      await audit.record({ actor, action: "account.session_ended", details: { sessionId: id } });
    },
    async changePassword(actor, input) {
      const user = userOf(actor);
      const stored = await account.passwordHashOf(user.userId);
      const ok = await checkCurrentPassword(
        user.email,
        input.clientAddress,
        stored?.passwordHash,
        input.currentPassword,
      );
      if (!stored || !ok) {
        throw new DomainError(
          "validation_failed",
          { field: "currentPassword" },
          "error.current_password_wrong",
        );
      }
      try {
        assertPassword(input.newPassword);
      } catch {
        throw new DomainError("validation_failed", { field: "newPassword" });
      }
      const newHash = await hashPassword(input.newPassword);
      await account.transaction(async (tx) => {
        const ended = await account.replacePassword(tx, {
          userId: user.userId,
          oldHash: stored.passwordHash,
          newHash,
          keepSessionId: input.keepSessionId,
        });
        // changed by a concurrent request: the current password given is no longer it
        if (!ended) {
          throw new DomainError(
            "validation_failed",
            { field: "currentPassword" },
            "error.current_password_wrong",
          );
        }
        await audit.record(
          {
            actor,
            action: "account.password_changed",
            details: { sessionsEnded: ended.sessions, tokensRevoked: ended.tokens },
          },
          tx,
        );
      });
    },

    async resetPassword(email, newPassword) {
      assertPassword(newPassword);
      const user = await account.userByEmail(email.trim().toLowerCase());
      if (!user) throw new DomainError("not_found", { field: "email" });
      const newHash = await hashPassword(newPassword);
      return account.transaction(async (tx) => {
        const ended = await account.replacePassword(tx, {
          userId: user.id,
          oldHash: null,
          newHash,
          keepSessionId: null,
        });
        const counts = ended ?? { sessions: 0, tokens: 0 };
        await audit.record(
          {
            actor: SYSTEM,
            action: "account.password_reset",
            details: {
              email: email.trim().toLowerCase(),
              sessionsEnded: counts.sessions,
              tokensRevoked: counts.tokens,
            },
          },
          tx,
        );
        return counts;
      });
    },

    pruneExpired() {
      const now = clock.now();
      return account.pruneExpired(now, new Date(now.getTime() - EXPIRED_TOKEN_KEPT_MS));
    },
  };
}
