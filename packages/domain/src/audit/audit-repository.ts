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
}
