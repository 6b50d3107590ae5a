import { BaseRepository, type Tx } from "../shared/base-repository.ts";

export interface ClaimedRow {
  id: string;
  /** Null for system mail (reports, alerts), whose serviceName is "_system". */
  hostingId: string | null;
  serviceName: string;
  envelopeFrom: string;
  recipients: string[];
  delivered: string[];
  failed: string[];
  raw: Uint8Array | null;
  attempts: number;
  acceptedAt: Date;
  lease: Date;
}

export interface MessageUpdate {
  id: string;
  lease: Date;
  /** Recipients this attempt delivered or failed for good, added to those of earlier attempts. */
  delivered: string[];
  failed: string[];
  status: "queued" | "sent" | "failed";
  nextAttemptAt: Date | null;
  sentAt: Date | null;
}

export interface EventRow {
  messageId: string;
  hostingId: string | null;
  recipient: string;
  at: Date;
  outcome: "delivered" | "deferred" | "failed" | "expired";
  smtpCode: number | null;
  text: string;
}

export type VolumeColumn = "sent" | "errors" | "expired";

export class DeliveryRepository extends BaseRepository {
  /**
   * Claims due mail of active hostings, and system mail (no hosting, never held): queued mail
   * whose time has come, and mail whose sending lease ran out (its worker died). The lease is kept
   * in nextAttemptAt, so one index serves both.
   */
  async claim(now: Date, lease: Date, limit: number): Promise<ClaimedRow[]> {
    return this.db.$queryRaw<ClaimedRow[]>`
      WITH due AS (
        SELECT m.id, m."hostingId" FROM "Message" m
         WHERE m.status IN ('queued', 'sending') AND m."nextAttemptAt" <= ${now}
           AND (m."hostingId" IS NULL OR EXISTS (
                 SELECT 1 FROM "Hosting" h WHERE h.id = m."hostingId" AND h.state = 'active'))
         ORDER BY m."nextAttemptAt"
         LIMIT ${limit}
         FOR UPDATE OF m SKIP LOCKED)
      UPDATE "Message" m
         SET status = 'sending', "nextAttemptAt" = ${lease}, attempts = m.attempts + 1,
             "updatedAt" = ${now}
        FROM due LEFT JOIN "Hosting" h ON h.id = due."hostingId"
       WHERE m.id = due.id
      RETURNING m.id::text AS id, m."hostingId"::text AS "hostingId",
                COALESCE(h."serviceName", '_system') AS "serviceName",
                m."envelopeFrom", m.recipients, m.delivered, m.failed, m.raw, m.attempts,
                m."acceptedAt", m."nextAttemptAt" AS lease`;
  }

  /**
   * Applies a round's results in one statement. Each update holds only while the message is
   * still claimed under the same lease; returns the ids it applied to (the others were taken
   * over by another worker after the lease ran out).
   */
  async updateMany(tx: Tx, updates: MessageUpdate[], now: Date): Promise<Set<string>> {
    if (updates.length === 0) return new Set();
    const rows = updates.map((u) => ({
      id: u.id,
      lease: u.lease.toISOString(),
      delivered: u.delivered,
      failed: u.failed,
      status: u.status,
      next: u.nextAttemptAt?.toISOString() ?? null,
      sent_at: u.sentAt?.toISOString() ?? null,
    }));
    const applied = await tx.$queryRaw<Array<{ id: string }>>`
      UPDATE "Message" m
         SET delivered = m.delivered || u.delivered, failed = m.failed || u.failed,
             status = u.status::"MessageStatus", "nextAttemptAt" = u.next,
             "sentAt" = u.sent_at, "updatedAt" = ${now}
        FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
             AS u(id uuid, lease timestamptz, delivered text[], failed text[], status text,
                  next timestamptz, sent_at timestamptz)
       WHERE m.id = u.id AND m.status = 'sending' AND m."nextAttemptAt" = u.lease
      RETURNING m.id::text AS id`;
    return new Set(applied.map((r) => r.id));
  }

  async addEvents(tx: Tx, events: EventRow[]): Promise<void> {
    if (events.length > 0) await tx.deliveryEvent.createMany({ data: events });
  }

  async addVolume(
    tx: Tx | undefined,
    hostingId: string,
    day: Date,
    column: VolumeColumn,
    n: number,
  ) {
    if (n === 0) return;
    const c = this.client(tx);
    // The column name comes from a closed union, never from input.
    await c.$executeRawUnsafe(
      `INSERT INTO "DailyVolume" ("hostingId", day, "${column}") VALUES ($1::uuid, $2::date, $3)
       ON CONFLICT ("hostingId", day) DO UPDATE SET "${column}" = "DailyVolume"."${column}" + $3`,
      hostingId,
      day,
      n,
    );
  }

  /** Held mail past its expiry: content removed, row kept for the counters. */
  async expireHeld(
    now: Date,
    limit: number,
  ): Promise<Array<{ hostingId: string | null; n: number }>> {
    return this.db.$queryRaw<Array<{ hostingId: string | null; n: number }>>`
      WITH due AS (
        SELECT id FROM "Message"
         WHERE status = 'held' AND "expiresAt" <= ${now}
         ORDER BY "expiresAt" LIMIT ${limit} FOR UPDATE SKIP LOCKED),
      done AS (
        UPDATE "Message" m SET status = 'expired', raw = NULL, "updatedAt" = ${now}
          FROM due WHERE m.id = due.id
        RETURNING m."hostingId")
      SELECT "hostingId"::text AS "hostingId", count(*)::int AS n FROM done GROUP BY "hostingId"`;
  }

  /**
   * Removes the content of mail finished between `after` and `before`; the lower bound keeps each
   * run to recent rows instead of every message ever sent.
   */
  async dropContent(after: Date, before: Date, limit: number): Promise<number> {
    return this.db.$executeRaw`
      UPDATE "Message" SET raw = NULL
       WHERE id IN (
         SELECT id FROM "Message"
          WHERE status IN ('sent', 'failed') AND "sentAt" >= ${after} AND "sentAt" < ${before}
            AND raw IS NOT NULL
          LIMIT ${limit} FOR UPDATE SKIP LOCKED)`;
  }

  /** Mail waiting, by status (read from the status indexes). */
  async queueDepth(): Promise<Record<"queued" | "sending" | "held", number>> {
    const rows = await this.db.$queryRaw<Array<{ status: string; n: number }>>`
      SELECT status::text AS status, count(*)::int AS n FROM "Message"
       WHERE status IN ('queued', 'sending', 'held') GROUP BY status`;
    const depth = { queued: 0, sending: 0, held: 0 };
    for (const r of rows) depth[r.status as keyof typeof depth] = r.n;
    return depth;
  }
}
