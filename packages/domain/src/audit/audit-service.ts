import type { AuditEntry, AuditQuery, HostingAuditEntry } from "@scripts-email/contracts";
import { type Actor, actorRoleOf } from "../actor.ts";
import type { Clock } from "../clock.ts";
import { DomainError } from "../errors.ts";
import { loadVisibleHosting } from "../hosting/hosting-access.ts";
import type { HostingRepository } from "../hosting/hosting-repository.ts";
import type { Tx } from "../shared/base-repository.ts";
import type { UserRepository } from "../user/user-repository.ts";
import type { AuditRepository } from "./audit-repository.ts";
import { SUPPORT_ONLY_ACTIONS } from "./support-only-actions.ts";

export interface AuditService {
  record(entry: {
    actor: Actor;
    action: string;
    hostingId?: string | null;
    reason?: string | null;
    details?: Record<string, unknown>;
  }): Promise<void>;
  /** Support only (others get forbidden): who did what, when and why, newest first. */
  list(actor: Actor, query: AuditQuery): Promise<AuditEntry[]>;
  /**
   * One hosting's log, newest first, for whoever may see the hosting (else not_found): the same
   * query as `list`. A customer reads support's entries without the agent's address, and never
   * the support-only ones (internal notes).
   */
  listForHosting(actor: Actor, serviceName: string, limit: number): Promise<HostingAuditEntry[]>;
}

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
  users: UserRepository;
  hostings: HostingRepository;
  clock: Clock;
}): InternalAuditService {
  const { audit, users, hostings, clock } = deps;

  async function entries(
    hostingId: string | undefined,
    limit: number,
    hideActions?: readonly string[],
  ): Promise<AuditEntry[]> {
    const rows = await audit.list({ hostingId, limit, ...(hideActions ? { hideActions } : {}) });
    const emails = await users.emailsById([
      ...new Set(rows.flatMap((r) => (r.actorId ? [r.actorId] : []))),
    ]);
    return rows.map((r) => ({
      at: r.at.toISOString(),
      actorEmail: r.actorId ? (emails.get(r.actorId) ?? null) : null,
      actorRole: r.actorRole,
      action: r.action,
      serviceName: r.serviceName,
      reason: r.reason,
    }));
  }

  return {
    async list(actor, query) {
      if (actor.kind !== "system" && actor.role !== "support") throw new DomainError("forbidden");
      let hostingId: string | undefined;
      if (query.serviceName) {
        const hosting = await hostings.findByServiceName(query.serviceName);
        if (!hosting) return [];
        hostingId = hosting.id;
      }
      return entries(hostingId, query.limit);
    },
    async listForHosting(actor, serviceName, limit) {
      const hosting = await loadVisibleHosting(hostings, actor, serviceName);
      const customer = actorRoleOf(actor) === "customer";
      const rows = await entries(hosting.id, limit, customer ? SUPPORT_ONLY_ACTIONS : undefined);
      return rows.map((r) => ({
        at: r.at,
        // the owner sees "Support", not which agent
        actorEmail: customer && r.actorRole === "support" ? null : r.actorEmail,
        actorRole: r.actorRole,
        action: r.action,
        reason: r.reason,
      }));
    },
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
