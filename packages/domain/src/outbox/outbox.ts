import type { Clock } from "../clock.ts";
import { scriptOf } from "../message/script-name.ts";
import type { IngestRepository, NewMessageRow } from "../queue/ingest-repository.ts";
import { summarizeHeaders } from "../queue/raw-message.ts";
import { uuidV7 } from "../queue/uuid-v7.ts";
import type { Tx } from "../shared/base-repository.ts";
import { buildSystemMail, type SystemMail } from "../shared/system-mail.ts";

/** The product's own mail (reports, alerts): one recipient, already a complete message. */
export interface SystemMessage {
  to: string;
  from: string;
  raw: Buffer;
}

export interface QueuedSystemMessage {
  id: string;
  status: "queued";
}

/**
 * Where the product's own mail (reports, alerts) is queued. It needs nothing but the message
 * table, so the services that send mail sit beside the mail path instead of above it, and the
 * mail path may tell them what happens (an automatic block, a day nearly used up).
 *
 * System mail has no hosting: it is never held by a block, never counts against a daily limit
 * or in a site's volumes. Inside `tx` when given, so that the caller can record what the message
 * is for (the report run, the alert) in the same transaction.
 */
export interface Outbox {
  /** Composes the message (see buildSystemMail) and queues it. */
  send(mail: SystemMail, tx?: Tx): Promise<QueuedSystemMessage>;
  /** Queues a message that is already complete. */
  enqueue(message: SystemMessage, tx?: Tx): Promise<QueuedSystemMessage>;
}

export interface OutboxDeps {
  repo: Pick<IngestRepository, "insertSystemMessage">;
  clock: Clock;
  /** How long the message is kept if it cannot be delivered (the mail path's hold). */
  holdMs: number;
}

export function createOutbox(deps: OutboxDeps): Outbox {
  const { repo, clock, holdMs } = deps;

  async function enqueue(message: SystemMessage, tx?: Tx): Promise<QueuedSystemMessage> {
    const now = clock.now();
    const headers = summarizeHeaders(message.raw);
    const id = uuidV7(now);
    const row: NewMessageRow = {
      id,
      hostingId: null,
      envelopeFrom: message.from,
      recipients: [message.to],
      subject: headers.subject,
      messageIdHeader: headers.messageId,
      size: message.raw.length,
      raw: message.raw,
      status: "queued",
      expiresAt: new Date(now.getTime() + holdMs),
      acceptedAt: now,
      source: "system",
      originatingScript: null,
      script: scriptOf(null, "system"),
    };
    await repo.insertSystemMessage(row, tx);
    return { id, status: "queued" };
  }

  return {
    enqueue,
    async send(mail, tx) {
      const raw = await buildSystemMail(mail);
      return enqueue({ to: mail.to, from: mail.from, raw }, tx);
    },
  };
}
