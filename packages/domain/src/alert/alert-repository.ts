import type { AlertKind, Prisma } from "@scripts-email/db";
import { uuidV7 } from "../queue/uuid-v7.ts";
import { BaseRepository, type Tx } from "../shared/base-repository.ts";

export interface AlertHosting {
  id: string;
  serviceName: string;
  state: string;
  stateChangedAt: Date;
  reportRecipient: string | null;
  ownerEmail: string;
  ownerLocale: string;
  alertWebhookUrl: string | null;
  /** The kinds the hosting turned off: neither mailed nor posted. */
  alertsOff: AlertKind[];
}

export interface NewAlert {
  hostingId: string;
  kind: AlertKind;
  occasion: string;
  at: Date;
  recipient: string;
  details: Record<string, string | number | null>;
  webhookUrl: string | null;
}

export interface ClaimedWebhook {
  id: string;
  kind: AlertKind;
  at: Date;
  serviceName: string;
  details: Prisma.JsonValue;
  webhookUrl: string;
  webhookAttempts: number;
  lease: Date;
  /** The hosting's signing key now (a rotation applies to alerts still waiting too). */
  secret: string | null;
  /** The owner's language now: the payload's words are in it. */
  ownerLocale: string;
}

export class AlertRepository extends BaseRepository {
  /** Plain SQL, like the transitions that raise alerts in their transaction. */
  async hosting(id: string, tx?: Tx): Promise<AlertHosting | null> {
    const [row] = await this.sqlIn(tx).query<AlertHosting>(
      `SELECT h.id::text AS id, h."serviceName", h.state::text AS state, h."stateChangedAt",
              h."reportRecipient", u.email AS "ownerEmail", u.locale AS "ownerLocale",
              h."alertWebhookUrl", COALESCE(h."alertsOff", '{}')::text[] AS "alertsOff"
         FROM "Hosting" h JOIN "User" u ON u.id = h."ownerId"
        WHERE h.id = $1::uuid`,
      [id],
    );
    return row ? { ...row, stateChangedAt: new Date(row.stateChangedAt) } : null;
  }

  async exists(hostingId: string, kind: AlertKind, occasion: string): Promise<boolean> {
    const row = await this.db.alert.findUnique({
      where: { hostingId_kind_occasion: { hostingId, kind, occasion } },
      select: { id: true },
    });
    return row !== null;
  }

  /** Inserts the alert; null when this hosting, kind and occasion was alerted already. */
  async insert(tx: Tx, alert: NewAlert): Promise<string | null> {
    const webhook = alert.webhookUrl !== null;
    const [row] = await this.sqlIn(tx).query<{ id: string }>(
      `INSERT INTO "Alert" (id, "hostingId", kind, occasion, at, recipient, details, "webhookUrl",
                            "webhookStatus", "webhookNextAt")
       VALUES ($1::uuid, $2::uuid, $3::"AlertKind", $4::text, $5::timestamptz, $6::text,
               $7::jsonb, $8::text, $9::"WebhookStatus", $10::timestamptz)
       ON CONFLICT ("hostingId", kind, occasion) DO NOTHING
       RETURNING id::text AS id`,
      [
        uuidV7(alert.at),
        alert.hostingId,
        alert.kind,
        alert.occasion,
        alert.at.toISOString(),
        alert.recipient,
        JSON.stringify(alert.details),
        alert.webhookUrl,
        webhook ? "pending" : null,
        webhook ? alert.at.toISOString() : null,
      ],
    );
    return row?.id ?? null;
  }

  async setMessage(tx: Tx, id: string, messageId: string): Promise<void> {
    await this.sqlIn(tx).query(`UPDATE "Alert" SET "messageId" = $2::uuid WHERE id = $1::uuid`, [
      id,
      messageId,
    ]);
  }

  /** Blocked hostings whose oldest held message expires before `before` (one probe each). */
  async blockedExpiringBefore(
    before: Date,
  ): Promise<Array<{ id: string; stateChangedAt: Date; expiresAt: Date }>> {
    return this.db.$queryRaw`
      SELECT h.id::text AS id, h."stateChangedAt", oldest."expiresAt"
        FROM "Hosting" h
        CROSS JOIN LATERAL (
          SELECT m."expiresAt" FROM "Message" m
           WHERE m."hostingId" = h.id AND m.status = 'held'
           ORDER BY m."acceptedAt" ASC, m.id ASC LIMIT 1) oldest
       WHERE h.state = 'blocked' AND oldest."expiresAt" <= ${before}`;
  }

  /** Takes due webhook deliveries; the lease keeps other schedulers off them while in flight. */
  async claimWebhooks(now: Date, lease: Date, limit: number): Promise<ClaimedWebhook[]> {
    return this.db.$queryRaw<ClaimedWebhook[]>`
      WITH due AS (
        SELECT id FROM "Alert"
         WHERE "webhookStatus" = 'pending' AND "webhookNextAt" <= ${now}
         ORDER BY "webhookNextAt" LIMIT ${limit}
         FOR UPDATE SKIP LOCKED)
      UPDATE "Alert" a
         SET "webhookNextAt" = ${lease}, "webhookAttempts" = a."webhookAttempts" + 1
        FROM due, "Hosting" h, "User" u
       WHERE a.id = due.id AND h.id = a."hostingId" AND u.id = h."ownerId"
      RETURNING a.id::text AS id, a.kind::text AS kind, a.at, h."serviceName", a.details,
                a."webhookUrl", a."webhookAttempts", a."webhookNextAt" AS lease,
                h."alertWebhookSecret" AS secret, u.locale AS "ownerLocale"`;
  }

  /** Records an attempt's result, unless the lease was lost meanwhile. */
  async webhookResult(
    id: string,
    lease: Date,
    result: {
      status: "pending" | "delivered" | "failed";
      nextAt: Date | null;
      error: string | null;
    },
  ): Promise<void> {
    await this.db.alert.updateMany({
      where: { id, webhookNextAt: lease },
      data: {
        webhookStatus: result.status,
        webhookNextAt: result.nextAt,
        webhookError: result.error,
      },
    });
  }
}
