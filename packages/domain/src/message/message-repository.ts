import type { DeliveryEvent, Message, MessageStatus } from "@scripts-email/db";
import { BaseRepository } from "../shared/base-repository.ts";

export type MessageRow = Message;

/**
 * What a list row shows: never the content, which may be megabytes per message. Times are ISO
 * strings formatted by the database: a page is 50 rows of three times each, and parsing them
 * into Dates only to format them again was a tenth of the call's CPU.
 */
export interface MessageListRow {
  id: string;
  acceptedAt: string;
  envelopeFrom: string;
  recipients: string[];
  subject: string;
  size: number;
  status: MessageStatus;
  attempts: number;
  expiresAt: string;
  nextAttemptAt: string | null;
}

/** A timestamptz column as `toISOString()` would write it (the columns keep milliseconds). */
const iso = (column: string) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

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
  }): Promise<MessageListRow[]> {
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
    return this.sql.query<MessageListRow>(
      `SELECT id::text AS id, ${iso('"acceptedAt"')} AS "acceptedAt", "envelopeFrom", recipients,
              subject, size, status::text AS status, attempts, ${iso('"expiresAt"')} AS "expiresAt",
              ${iso('"nextAttemptAt"')} AS "nextAttemptAt"
         FROM "Message" WHERE ${where}
        ORDER BY "acceptedAt" DESC, id DESC
        LIMIT $2::int`,
      params,
    );
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
