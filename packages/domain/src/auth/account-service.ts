import type { ApiToken } from "@scripts-email/contracts";
import type { Actor } from "../actor.ts";
import type { InternalAuditService } from "../audit/audit-service.ts";
import { type Clock, DAY } from "../clock.ts";
import { DomainError } from "../errors.ts";
import type { AccountService } from "../services.ts";
import { hashPassword, verifyPassword } from "../shared/secrets.ts";
import { assertPassword } from "../user/user-service.ts";
import type { AccountRepository } from "./account-repository.ts";

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
  audit: InternalAuditService;
  clock: Clock;
}): AccountService {
  const { account, audit, clock } = deps;
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

    async changePassword(actor, input) {
      const user = userOf(actor);
      const stored = await account.passwordHashOf(user.userId);
      if (!stored || !(await verifyPassword(stored.passwordHash, input.currentPassword))) {
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

    pruneExpired() {
      const now = clock.now();
      return account.pruneExpired(now, new Date(now.getTime() - EXPIRED_TOKEN_KEPT_MS));
    },
  };
}
