import type { DeliveryEvent, Message, MessageStatus, Prisma } from "@scripts-email/db";
import { BaseRepository } from "../shared/base-repository.ts";

export type MessageRow = Message;

/** What a list row shows: never the content, which may be megabytes per message. */
const SUMMARY = {
  id: true,
  acceptedAt: true,
  envelopeFrom: true,
  recipients: true,
  subject: true,
  size: true,
  status: true,
  attempts: true,
  expiresAt: true,
  nextAttemptAt: true,
} as const satisfies Prisma.MessageSelect;

export type MessageSummaryRow = Prisma.MessageGetPayload<{ select: typeof SUMMARY }>;

export interface MessagePosition {
  acceptedAt: Date;
  id: string;
}

export class MessageRepository extends BaseRepository {
  /**
   * Newest first on (acceptedAt, id), the order of the (hostingId[, status], …) indexes. Plain
   * SQL: the held list is one of the hosting page's calls. The status is compared as its enum so
   * that the (hostingId, status, …) index bounds the scan.
   */
  async page(query: {
    hostingId: string;
    status?: MessageStatus | undefined;
    after?: MessagePosition | undefined;
    take: number;
  }): Promise<MessageSummaryRow[]> {
    const params: unknown[] = [query.hostingId, query.take];
    let where = `"hostingId" = $1::uuid`;
    if (query.status) {
      params.push(query.status);
      where += ` AND status = $${params.length}::"MessageStatus"`;
    }
    if (query.after) {
      params.push(query.after.acceptedAt.toISOString(), query.after.id);
      const at = `$${params.length - 1}::timestamptz`;
      const id = `$${params.length}::uuid`;
      where += ` AND ("acceptedAt" < ${at} OR ("acceptedAt" = ${at} AND id < ${id}))`;
    }
    const rows = await this.sql.query<MessageSummaryRow>(
      `SELECT id::text AS id, "acceptedAt", "envelopeFrom", recipients, subject, size,
              status::text AS status, attempts, "expiresAt", "nextAttemptAt"
         FROM "Message" WHERE ${where}
        ORDER BY "acceptedAt" DESC, id DESC
        LIMIT $2::int`,
      params,
    );
    for (const row of rows) {
      row.acceptedAt = new Date(row.acceptedAt);
      row.expiresAt = new Date(row.expiresAt);
      if (row.nextAttemptAt !== null) row.nextAttemptAt = new Date(row.nextAttemptAt);
    }
    return rows;
  }

  find(hostingId: string, id: string): Promise<MessageRow | null> {
    return this.db.message.findFirst({ where: { id, hostingId } });
  }

  events(messageId: string): Promise<DeliveryEvent[]> {
    return this.db.deliveryEvent.findMany({
      where: { messageId },
      orderBy: [{ at: "asc" }, { id: "asc" }],
    });
  }
}
