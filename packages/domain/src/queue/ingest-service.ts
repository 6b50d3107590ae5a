import type { Clock } from "../clock.ts";
import { DomainError } from "../errors.ts";
import type { Tx } from "../shared/base-repository.ts";
import { utcDay } from "../shared/time.ts";
import { GroupCommit } from "./group-commit.ts";
import {
  AfterCommitChecks,
  type AfterCommitOptions,
  type BurstRule,
} from "./ingest-after-commit.ts";
import { isPermanentDataError, isStoreFailure, unstorableMessage } from "./ingest-failure.ts";
import type { IngestRepository, NewMessageRow } from "./ingest-repository.ts";
import { summarizeHeaders } from "./raw-message.ts";
import { uuidV7 } from "./uuid-v7.ts";

export interface IncomingMessage {
  hostingId: string;
  envelopeFrom: string;
  recipients: string[];
  raw: Buffer;
  source: "smtp" | "sendmail" | "panel" | "system";
  /** The queue id (a UUID v7) when the caller already wrote it into the message (`Received:`). */
  id?: string;
}

/** The product's own mail (reports, alerts): one recipient, already a complete message. */
export interface SystemMessage {
  to: string;
  from: string;
  raw: Buffer;
}

export interface AcceptedMessage {
  id: string;
  status: "queued" | "held";
}

export type { BurstRule };

export interface IngestOptions extends AfterCommitOptions {
  holdMs: number;
}

/**
 * Stores incoming mail durably. `accept` resolves only after the message is committed, which is
 * when SMTP may answer 250. Concurrent calls are grouped into one transaction.
 *
 * One hosting's message can never cost another's: a batch that fails is stored again in parts
 * (see GroupCommit) so that only a message that fails alone gets an error; if the database
 * refused its data it can never be stored, and it is refused for good (`isUnstorableMessage`,
 * SMTP 554) instead of deferred and sent again forever. The database being away is a 451 for
 * everyone. Nothing after the commit can change a message's answer (see AfterCommitChecks).
 */
export class IngestService {
  private readonly batcher: GroupCommit<IncomingMessage, AcceptedMessage>;
  private readonly afterCommit: AfterCommitChecks;

  constructor(
    private readonly repo: IngestRepository,
    private readonly clock: Clock,
    private readonly options: IngestOptions,
  ) {
    this.afterCommit = new AfterCommitChecks(repo, options);
    this.batcher = new GroupCommit(
      async (items) => {
        try {
          return await this.storeBatch(items);
        } catch (error) {
          if (items.length === 1 && isPermanentDataError(error)) {
            this.options.log?.warn(
              { err: error, hostingId: items[0]!.hostingId },
              "message refused, the database cannot store it",
            );
            return [unstorableMessage(error)];
          }
          if (items.length > 1 && !isStoreFailure(error)) {
            this.options.log?.warn(
              { err: error, count: items.length },
              "a batch of messages failed, stored again in halves",
            );
          }
          throw error;
        }
      },
      { isStoreFailure },
    );
  }

  accept(message: IncomingMessage): Promise<AcceptedMessage> {
    return this.batcher.submit(message);
  }

  /** Resolves once the checks that follow commits (burst rule, limit warnings) have run. */
  settled(): Promise<void> {
    return this.afterCommit.settled();
  }

  /**
   * Queues the product's own mail (reports, alerts): no hosting, so it is never held by a block,
   * never counts against a daily limit or in the site's volumes. Inside `tx` when given, so the
   * caller can record what the message is for in the same transaction.
   */
  async enqueueSystem(message: SystemMessage, tx?: Tx): Promise<AcceptedMessage> {
    const now = this.clock.now();
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
      expiresAt: new Date(now.getTime() + this.options.holdMs),
      acceptedAt: now,
      source: "system",
      originatingScript: null,
    };
    await this.repo.insertSystemMessage(row, tx);
    return { id, status: "queued" };
  }

  private async storeBatch(items: IncomingMessage[]): Promise<Array<AcceptedMessage | Error>> {
    const now = this.clock.now();
    const day = utcDay(now);
    const results = await this.repo.batch(async (q) => {
      const hostings = await this.repo.lockHostings(
        q,
        [...new Set(items.map((i) => i.hostingId))],
        day,
      );
      const out: Array<AcceptedMessage | Error> = [];
      const rows: NewMessageRow[] = [];
      const granted = new Map<
        string,
        { left: number; accepted: number; held: number; limit: number }
      >();
      for (const item of items) {
        const hosting = hostings.get(item.hostingId);
        if (!hosting) {
          out.push(new DomainError("not_found"));
          continue;
        }
        let quota = granted.get(hosting.id);
        if (!quota) {
          quota = {
            left: hosting.maxPerDay - hosting.usedToday,
            accepted: 0,
            held: 0,
            limit: hosting.maxPerDay,
          };
          granted.set(hosting.id, quota);
        }
        if (quota.left <= 0) {
          out.push(new DomainError("daily_limit_reached", { limit: hosting.maxPerDay }));
          continue;
        }
        quota.left--;
        quota.accepted++;
        const status = hosting.state === "active" ? "queued" : "held";
        if (status === "held") quota.held++;
        const headers = summarizeHeaders(item.raw);
        const id = item.id ?? uuidV7(now);
        rows.push({
          id,
          hostingId: hosting.id,
          envelopeFrom: item.envelopeFrom,
          recipients: item.recipients,
          subject: headers.subject,
          messageIdHeader: headers.messageId,
          size: item.raw.length,
          raw: item.raw,
          status,
          expiresAt: new Date(now.getTime() + this.options.holdMs),
          acceptedAt: now,
          source: item.source,
          originatingScript: headers.originatingScript,
        });
        out.push({ id, status });
      }
      const additions = [...granted]
        .filter(([, g]) => g.accepted > 0)
        .map(([hostingId, g]) => ({ hostingId, accepted: g.accepted, held: g.held }));
      await this.repo.insertMessages(q, rows, day, additions);
      return { out, granted };
    });
    const queued = items
      .filter((_, i) => (results.out[i] as AcceptedMessage).status === "queued")
      .map((i) => i.hostingId);
    const usage = new Map(
      [...results.granted].map(([hostingId, g]) => [
        hostingId,
        { used: g.limit - Math.max(g.left, 0), limit: g.limit },
      ]),
    );
    // Run after the callers have their answer; it can neither fail nor delay them.
    this.afterCommit.record({ at: now, day, queued, usage });
    return results.out;
  }
}
