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
}

export class AlertRepository extends BaseRepository {
  async hosting(id: string, tx?: Tx): Promise<AlertHosting | null> {
    const h = await this.client(tx).hosting.findUnique({
      where: { id },
      select: {
        id: true,
        serviceName: true,
        state: true,
        stateChangedAt: true,
        reportRecipient: true,
        alertWebhookUrl: true,
        owner: { select: { email: true, locale: true } },
      },
    });
    if (!h) return null;
    const { owner, ...rest } = h;
    return { ...rest, ownerEmail: owner.email, ownerLocale: owner.locale };
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
    const rows = await tx.$queryRaw<Array<{ id: string }>>`
      INSERT INTO "Alert" (id, "hostingId", kind, occasion, at, recipient, details, "webhookUrl",
                           "webhookStatus", "webhookNextAt")
      VALUES (${uuidV7(alert.at)}::uuid, ${alert.hostingId}::uuid, ${alert.kind}::"AlertKind",
              ${alert.occasion}, ${alert.at}, ${alert.recipient}, ${JSON.stringify(alert.details)}::jsonb,
              ${alert.webhookUrl}, ${webhook ? "pending" : null}::"WebhookStatus",
              ${webhook ? alert.at : null})
      ON CONFLICT ("hostingId", kind, occasion) DO NOTHING
      RETURNING id::text AS id`;
    return rows[0]?.id ?? null;
  }

  async setMessage(tx: Tx, id: string, messageId: string): Promise<void> {
    await tx.alert.update({ where: { id }, data: { messageId } });
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
        FROM due, "Hosting" h
       WHERE a.id = due.id AND h.id = a."hostingId"
      RETURNING a.id::text AS id, a.kind::text AS kind, a.at, h."serviceName", a.details,
                a."webhookUrl", a."webhookAttempts", a."webhookNextAt" AS lease,
                h."alertWebhookSecret" AS secret`;
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
