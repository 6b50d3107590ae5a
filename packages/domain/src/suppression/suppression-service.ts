import type { SuppressionListQuery, SuppressionPage } from "@scripts-email/contracts";
import { type Actor, actorRoleOf } from "../actor.ts";
import type { InternalAuditService } from "../audit/audit-service.ts";
import type { Clock } from "../clock.ts";
import { DomainError } from "../errors.ts";
import { loadVisibleHosting } from "../hosting/hosting-access.ts";
import type { HostingRepository } from "../hosting/hosting-repository.ts";
import { parseReason } from "../shared/validation.ts";
import type { SuppressionRepository, SuppressionRow } from "./suppression-repository.ts";

export type { SuppressionRow } from "./suppression-repository.ts";

export interface SuppressionService {
  /**
   * The entry in force for `address` of this hosting, or null: one primary-key read (the SMTP
   * server's RCPT TO, the panel's test mail). Always null while the list is off.
   */
  find(hostingId: string, address: string): Promise<SuppressionRow | null>;
  /** The hosting's entries in force by address, searched by part of the address, in pages. */
  list(actor: Actor, serviceName: string, query: SuppressionListQuery): Promise<SuppressionPage>;
  /**
   * Removes an address from the list, so that mail to it is accepted again. Audited
   * (`email.suppression_remove`); support must give a reason. An address not on the list is a
   * "not_found".
   */
  remove(actor: Actor, serviceName: string, address: string, reason?: string): Promise<void>;
  /** Deletes expired entries in batches (the scheduler); returns how many. */
  expire(batchSize?: number): Promise<number>;
}

export interface SuppressionServiceDeps {
  hostings: HostingRepository;
  suppressions: SuppressionRepository;
  audit: InternalAuditService;
  clock: Clock;
  /**
   * False when the list is off (SUPPRESSION_DAYS=0): nobody is added, and entries left from
   * before refuse nothing (they can still be listed and removed, and expire).
   */
  refuses: boolean;
}

const encodeCursor = (address: string) => Buffer.from(address, "utf8").toString("base64url");

function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined || cursor === "") return undefined;
  const address = Buffer.from(cursor, "base64url").toString("utf8");
  if (address === "" || encodeCursor(address) !== cursor) {
    throw new DomainError("validation_failed", { field: "cursor" });
  }
  return address;
}

export function createSuppressionService(deps: SuppressionServiceDeps): SuppressionService {
  const { hostings, suppressions, audit, clock } = deps;
  return {
    find: async (hostingId, address) =>
      deps.refuses ? suppressions.find(hostingId, address, clock.now()) : null,

    async list(actor, serviceName, query) {
      const hosting = await loadVisibleHosting(hostings, actor, serviceName);
      const after = decodeCursor(query.cursor);
      const rows = await suppressions.list(hosting.id, {
        ...(query.q ? { contains: query.q } : {}),
        ...(after ? { after } : {}),
        limit: query.limit + 1,
        now: clock.now(),
      });
      const items = rows.slice(0, query.limit);
      const last = items.at(-1);
      return {
        items: items.map((r) => ({
          address: r.address,
          reason: r.reason,
          addedAt: r.addedAt.toISOString(),
          expiresAt: r.expiresAt.toISOString(),
        })),
        nextCursor: rows.length > query.limit && last ? encodeCursor(last.address) : null,
      };
    },

    async remove(actor, serviceName, rawAddress, rawReason) {
      const hosting = await loadVisibleHosting(hostings, actor, serviceName);
      const reason = parseReason(rawReason);
      if (actorRoleOf(actor) === "support" && !reason) throw new DomainError("reason_required");
      const address = rawAddress.trim().toLowerCase();
      await suppressions.transaction(async (tx) => {
        if (!(await suppressions.remove(hosting.id, address, tx))) {
          throw new DomainError("not_found");
        }
        await audit.record(
          {
            actor,
            action: "email.suppression_remove",
            hostingId: hosting.id,
            reason,
            details: { address },
          },
          tx,
        );
      });
    },

    async expire(batchSize = 5000) {
      const now = clock.now();
      let total = 0;
      for (;;) {
        const n = await suppressions.deleteExpired(now, batchSize);
        total += n;
        if (n < batchSize) return total;
      }
    },
  };
}
