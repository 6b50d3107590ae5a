import { type Actor, actorRoleOf } from "../actor.ts";
import type { Clock } from "../clock.ts";
import type { AuditService } from "../services.ts";
import type { Tx } from "../shared/base-repository.ts";
import type { AuditRepository } from "./audit-repository.ts";

export interface AuditInput {
  actor: Actor;
  action: string;
  hostingId?: string | null;
  reason?: string | null;
  details?: Record<string, unknown>;
}

export interface InternalAuditService extends AuditService {
  /** Same as `record`, inside the caller's transaction. */
  record(entry: AuditInput, tx?: Tx): Promise<void>;
}

export function createAuditService(deps: {
  audit: AuditRepository;
  clock: Clock;
}): InternalAuditService {
  const { audit, clock } = deps;
  return {
    async record(entry: AuditInput, tx?: Tx) {
      await audit.add(
        {
          at: clock.now(),
          actorId: entry.actor.kind === "user" ? entry.actor.userId : null,
          actorRole: actorRoleOf(entry.actor),
          action: entry.action,
          hostingId: entry.hostingId ?? null,
          reason: entry.reason ?? null,
          details: entry.details ?? {},
        },
        tx,
      );
    },
  };
}
