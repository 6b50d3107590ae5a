import type { ActorRole, Prisma } from "@scripts-email/db";
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
  async add(entry: AuditRow, tx?: Tx): Promise<void> {
    await this.client(tx).auditEntry.create({
      data: { ...entry, details: entry.details as Prisma.InputJsonObject },
    });
  }

  async list(filter: { hostingId?: string; limit: number }) {
    const rows = await this.db.auditEntry.findMany({
      where: filter.hostingId ? { hostingId: filter.hostingId } : {},
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
