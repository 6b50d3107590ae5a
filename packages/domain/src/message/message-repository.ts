import type { DeliveryEvent, Message, MessageStatus } from "@scripts-email/db";
import { type HostingRow, isoTime, visibleHostingWithRows } from "../hosting/hosting-repository.ts";
import { BaseRepository } from "../shared/base-repository.ts";
import {
  ANY_MESSAGE,
  type MessageFilter,
  messageSearchSql,
  SEARCH_SCAN_ROWS,
} from "./message-search.ts";

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

/** One row of a message export. */
export interface MessageExportRow {
  id: string;
  acceptedAt: Date;
  envelopeFrom: string;
  recipients: string[];
  subject: string;
  size: number;
  status: MessageStatus;
  attempts: number;
  sentAt: Date | null;
  script: string;
  messageIdHeader: string | null;
}

export interface MessagePosition {
  acceptedAt: Date;
  id: string;
}

export class MessageRepository extends BaseRepository {
  /**
   * The message list call in one statement: the hosting (see `visibleHostingWithRows`) and a
   * page of its messages matching `filter`, newest first on (acceptedAt, id), read through the
   * index `messageSearchSql` names for the filter. Statuses are compared as their enum so that
   * the (hostingId, status, …) index bounds the scan.
   */
  pageOf(
    serviceName: string,
    ownerId: string | null,
    query: { filter?: MessageFilter; after?: MessagePosition | undefined; take: number },
  ): Promise<{ hosting: HostingRow; rows: MessageListRow[] } | null> {
    const search = messageSearchSql(query.filter ?? ANY_MESSAGE, {
      hosting: "h.id",
      firstParam: 3,
      after: query.after,
      take: query.take,
    });
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
         FROM (${search.matches}) p`,
      search.params,
    );
  }

  /**
   * Where a bounded search stopped: the last of the `SEARCH_SCAN_ROWS` rows it read after
   * `after`; null when it read fewer (it reached the hosting's oldest message in range) or when
   * every filter is an index's (nothing to bound).
   */
  async searchEdge(
    hostingId: string,
    filter: MessageFilter,
    after: MessagePosition | undefined,
  ): Promise<MessagePosition | null> {
    const search = messageSearchSql(filter, { hosting: "$1::uuid", firstParam: 2, after, take: 1 });
    if (!search.bounded) return null;
    const [row] = await this.sql.query<{ acceptedAt: Date; id: string }>(
      `SELECT m."acceptedAt", m.id::text AS id FROM (${search.stream}) m
        ORDER BY m."acceptedAt" DESC, m.id DESC OFFSET ${SEARCH_SCAN_ROWS - 1} LIMIT 1`,
      [hostingId, ...search.streamParams],
    );
    return row ? { acceptedAt: new Date(row.acceptedAt), id: row.id } : null;
  }

  /** A batch of an export: the search's matches after `after`, with the columns a CSV shows. */
  exportBatch(
    hostingId: string,
    filter: MessageFilter,
    after: MessagePosition | undefined,
    take: number,
  ): Promise<MessageExportRow[]> {
    const search = messageSearchSql(filter, { hosting: "$1::uuid", firstParam: 2, after, take });
    return this.sql.query<MessageExportRow>(
      `SELECT m.id::text AS id, m."acceptedAt", m."envelopeFrom", m.recipients, m.subject,
              m.size, m.status::text AS status, m.attempts, m."sentAt", m.script,
              m."messageIdHeader"
         FROM (${search.matches}) m ORDER BY m."acceptedAt" DESC, m.id DESC`,
      [hostingId, ...search.params],
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
