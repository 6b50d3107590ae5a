import type { DeliveryEvent, Message, MessageStatus, Prisma } from "@scripts-email/db";
import { BaseRepository } from "../shared/base-repository.ts";

export type MessageRow = Message;

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
  }): Promise<MessageRow[]> {
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
