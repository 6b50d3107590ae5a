import type { ActorRole } from "@scripts-email/db";
import { uuidV7 } from "../queue/uuid-v7.ts";
import { BaseRepository, type Tx } from "../shared/base-repository.ts";

export interface AuditRow {
  at: Date;
  actorId: string | null;
  actorRole: ActorRole;
  action: string;
  hostingId: string | null;
  reason: string | null;
  details: Record<string, unknown>;
}

export class AuditRepository extends BaseRepository {
  /** Plain SQL, like the transitions it records in their transaction. */
  async add(entry: AuditRow, tx?: Tx): Promise<void> {
    // a v7 id of the time of writing, as Prisma's default made it: it orders entries of one instant
    await this.sqlIn(tx).query(
      `INSERT INTO "AuditEntry" (id, at, "actorId", "actorRole", action, "hostingId", reason, details)
       VALUES ($1::uuid, $2::timestamptz, $3::uuid, $4::"ActorRole", $5::text, $6::uuid, $7::text,
               $8::jsonb)`,
      [
        uuidV7(),
        entry.at.toISOString(),
        entry.actorId,
        entry.actorRole,
        entry.action,
        entry.hostingId,
        entry.reason,
        JSON.stringify(entry.details),
      ],
    );
  }

  /** Newest first; `hideActions` are left out before the limit applies. */
  async list(filter: { hostingId?: string; limit: number; hideActions?: readonly string[] }) {
    const rows = await this.db.auditEntry.findMany({
      where: {
        ...(filter.hostingId ? { hostingId: filter.hostingId } : {}),
        ...(filter.hideActions?.length ? { action: { notIn: [...filter.hideActions] } } : {}),
      },
      orderBy: [{ at: "desc" }, { id: "desc" }],
      take: filter.limit,
    });
    const hostingIds = [...new Set(rows.flatMap((r) => (r.hostingId ? [r.hostingId] : [])))];
    const hostings = await this.db.hosting.findMany({
      where: { id: { in: hostingIds } },
      select: { id: true, serviceName: true },
    });
    const names = new Map(hostings.map((h) => [h.id, h.serviceName]));
    return rows.map((r) => ({
      ...r,
      serviceName: r.hostingId ? (names.get(r.hostingId) ?? null) : null,
    }));
  }
}
