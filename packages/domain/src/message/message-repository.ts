import type { DeliveryEvent, Message, MessageStatus } from "@scripts-email/db";
import { type HostingRow, isoTime, visibleHostingWithRows } from "../hosting/hosting-repository.ts";
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
  script: string;
  spam: boolean;
}

/** What reading a message's body needs: its content only when small enough to parse. */
export interface MessageContentRow {
  status: MessageStatus;
  /** The stored content's size; null once it was removed. */
  bytes: number | null;
  /** The content, or null when removed or larger than asked. */
  raw: Uint8Array | null;
}

export interface MessagePosition {
  acceptedAt: Date;
  id: string;
}

export class MessageRepository extends BaseRepository {
  /**
   * The message list call in one statement: the hosting (see `visibleHostingWithRows`) and a
   * page of its messages, newest first on (acceptedAt, id), the order of the
   * (hostingId[, status], …) indexes. The status is compared as its enum so that the
   * (hostingId, status, …) index bounds the scan.
   */
  pageOf(
    serviceName: string,
    ownerId: string | null,
    query: {
      status?: MessageStatus | undefined;
      after?: MessagePosition | undefined;
      take: number;
    },
  ): Promise<{ hosting: HostingRow; rows: MessageListRow[] } | null> {
    const params: unknown[] = [query.take];
    const param = () => `$${params.length + 2}`;
    let where = `m."hostingId" = h.id`;
    if (query.status) {
      params.push(query.status);
      where += ` AND m.status = ${param()}::"MessageStatus"`;
    }
    if (query.after) {
      params.push(query.after.acceptedAt.toISOString());
      const at = `${param()}::timestamptz`;
      params.push(query.after.id);
      const id = `${param()}::uuid`;
      where += ` AND (m."acceptedAt" < ${at} OR (m."acceptedAt" = ${at} AND m.id < ${id}))`;
    }
    return visibleHostingWithRows<MessageListRow>(
      this.sql,
      serviceName,
      ownerId,
      `SELECT json_agg(json_build_object(
          'id', p.id, 'acceptedAt', ${isoTime('p."acceptedAt"')}, 'envelopeFrom', p."envelopeFrom",
          'recipients', p.recipients, 'subject', p.subject, 'size', p.size, 'status', p.status,
          'attempts', p.attempts, 'expiresAt', ${isoTime('p."expiresAt"')},
          'nextAttemptAt', ${isoTime('p."nextAttemptAt"')}, 'script', p.script, 'spam', p.spam)
          ORDER BY p."acceptedAt" DESC, p.id DESC)
         FROM (SELECT m.id, m."acceptedAt", m."envelopeFrom", m.recipients, m.subject, m.size,
                      m.status, m.attempts, m."expiresAt", m."nextAttemptAt", m.script, m.spam
                 FROM "Message" m WHERE ${where}
                ORDER BY m."acceptedAt" DESC, m.id DESC
                LIMIT $3::int) p`,
      params,
    );
  }

  find(hostingId: string, id: string): Promise<MessageRow | null> {
    return this.db.message.findFirst({ where: { id, hostingId } });
  }

  /**
   * A message's content for reading, fetched only when at most `maxBytes` (its size is always
   * told): an oversized message is never loaded into memory.
   */
  async content(
    hostingId: string,
    id: string,
    maxBytes: number,
  ): Promise<MessageContentRow | null> {
    const rows = await this.sql.query<MessageContentRow>(
      `SELECT status, octet_length(raw) AS bytes,
              CASE WHEN octet_length(raw) <= $3::int THEN raw END AS raw
         FROM "Message" WHERE id = $1::uuid AND "hostingId" = $2::uuid`,
      [id, hostingId, maxBytes],
    );
    return rows[0] ?? null;
  }

  events(messageId: string): Promise<DeliveryEvent[]> {
    return this.db.deliveryEvent.findMany({
      where: { messageId },
      orderBy: [{ at: "asc" }, { id: "asc" }],
    });
  }
}
