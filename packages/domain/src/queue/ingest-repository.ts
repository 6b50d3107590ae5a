import type { MessageSource } from "@scripts-email/db";
import { BaseRepository, type Tx } from "../shared/base-repository.ts";

export interface NewMessageRow {
  id: string;
  /** Null for system mail. */
  hostingId: string | null;
  envelopeFrom: string;
  recipients: string[];
  subject: string;
  messageIdHeader: string | null;
  size: number;
  raw: Buffer;
  status: "queued" | "held";
  nextAttemptAt: Date | null;
  expiresAt: Date;
  acceptedAt: Date;
  source: MessageSource;
  originatingScript: string | null;
}

export interface IngestHosting {
  id: string;
  serviceName: string;
  state: "active" | "blocked" | "purging";
  maxPerDay: number;
}

export class IngestRepository extends BaseRepository {
  /**
   * Reads the hostings' state under a share lock: a block that commits while these messages are
   * being stored waits for them, then holds them with the rest of the queue.
   */
  async lockHostings(tx: Tx, ids: string[]): Promise<Map<string, IngestHosting>> {
    const rows = await tx.$queryRaw<IngestHosting[]>`
      SELECT id::text AS id, "serviceName", state::text AS state, "maxPerDay"
        FROM "Hosting" WHERE id = ANY(${ids}::uuid[]) ORDER BY id FOR SHARE`;
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** How many of today's messages the hosting has accepted so far, with that row locked. */
  async lockDailyCount(tx: Tx, hostingId: string, day: Date): Promise<number> {
    await tx.$executeRaw`
      INSERT INTO "DailyVolume" ("hostingId", day) VALUES (${hostingId}::uuid, ${day}::date)
      ON CONFLICT DO NOTHING`;
    const [row] = await tx.$queryRaw<Array<{ accepted: number }>>`
      SELECT accepted FROM "DailyVolume"
       WHERE "hostingId" = ${hostingId}::uuid AND day = ${day}::date FOR UPDATE`;
    return row?.accepted ?? 0;
  }

  async addDaily(tx: Tx, hostingId: string, day: Date, accepted: number, held: number) {
    await tx.$executeRaw`
      UPDATE "DailyVolume" SET accepted = accepted + ${accepted}, held = held + ${held}
       WHERE "hostingId" = ${hostingId}::uuid AND day = ${day}::date`;
  }

  async insertMessages(tx: Tx, rows: NewMessageRow[]): Promise<void> {
    if (rows.length === 0) return;
    await tx.message.createMany({
      data: rows.map((r) => ({ ...r, raw: new Uint8Array(r.raw), updatedAt: r.acceptedAt })),
    });
  }

  /** Messages the hosting accepted since `since`, counted up to `cap` (bounded work). */
  async countAcceptedSince(hostingId: string, since: Date, cap: number): Promise<number> {
    const [row] = await this.db.$queryRaw<Array<{ n: number }>>`
      SELECT count(*)::int AS n FROM (
        SELECT 1 FROM "Message"
         WHERE "hostingId" = ${hostingId}::uuid AND "acceptedAt" > ${since}
         LIMIT ${cap}) recent`;
    return row?.n ?? 0;
  }

  findHostingByServiceName(serviceName: string) {
    return this.db.hosting.findUnique({
      where: { serviceName },
      select: { id: true, serviceName: true },
    });
  }
}
