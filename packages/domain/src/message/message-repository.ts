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
  /** Newest first on (acceptedAt, id), the order of the (hostingId[, status], …) indexes. */
  page(query: {
    hostingId: string;
    status?: MessageStatus | undefined;
    after?: MessagePosition | undefined;
    take: number;
  }): Promise<MessageSummaryRow[]> {
    const where: Prisma.MessageWhereInput = { hostingId: query.hostingId };
    if (query.status) where.status = query.status;
    if (query.after) {
      const { acceptedAt, id } = query.after;
      where.OR = [{ acceptedAt: { lt: acceptedAt } }, { acceptedAt, id: { lt: id } }];
    }
    return this.db.message.findMany({
      where,
      orderBy: [{ acceptedAt: "desc" }, { id: "desc" }],
      take: query.take,
      select: SUMMARY,
    });
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
