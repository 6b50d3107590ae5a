import type { Clock } from "../clock.ts";
import { DomainError } from "../errors.ts";
import { utcDay } from "../shared/time.ts";
import { GroupCommit } from "./group-commit.ts";
import type { IngestRepository, NewMessageRow } from "./ingest-repository.ts";
import { summarizeHeaders } from "./raw-message.ts";
import { uuidV7 } from "./uuid-v7.ts";

export interface IncomingMessage {
  hostingId: string;
  envelopeFrom: string;
  recipients: string[];
  raw: Buffer;
  source: "smtp" | "sendmail" | "panel" | "system";
}

export interface AcceptedMessage {
  id: string;
  status: "queued" | "held";
}

export interface BurstRule {
  /** More than `limit` messages accepted within `windowMs` blocks the hosting; 0 disables. */
  limit: number;
  windowMs: number;
}

export interface IngestOptions {
  holdMs: number;
  burst: BurstRule;
  /** Called (outside the ingest transaction) when a hosting crosses the burst rule. */
  onBurst(hostingId: string, reason: string): Promise<void>;
}

/**
 * Stores incoming mail durably. `accept` resolves only after the message is committed, which is
 * when SMTP may answer 250. Concurrent calls are grouped into one transaction.
 */
export class IngestService {
  private readonly batcher: GroupCommit<IncomingMessage, AcceptedMessage>;

  constructor(
    private readonly repo: IngestRepository,
    private readonly clock: Clock,
    private readonly options: IngestOptions,
  ) {
    this.batcher = new GroupCommit((items) => this.storeBatch(items));
  }

  accept(message: IncomingMessage): Promise<AcceptedMessage> {
    return this.batcher.submit(message);
  }

  private async storeBatch(items: IncomingMessage[]): Promise<Array<AcceptedMessage | Error>> {
    const now = this.clock.now();
    const day = utcDay(now);
    const results = await this.repo.transaction(async (tx) => {
      const hostings = await this.repo.lockHostings(tx, [
        ...new Set(items.map((i) => i.hostingId)),
      ]);
      const out: Array<AcceptedMessage | Error> = [];
      const rows: NewMessageRow[] = [];
      const granted = new Map<string, { left: number; accepted: number; held: number }>();
      for (const item of items) {
        const hosting = hostings.get(item.hostingId);
        if (!hosting) {
          out.push(new DomainError("not_found"));
          continue;
        }
        let quota = granted.get(hosting.id);
        if (!quota) {
          const used = await this.repo.lockDailyCount(tx, hosting.id, day);
          quota = { left: hosting.maxPerDay - used, accepted: 0, held: 0 };
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
        const id = uuidV7(now);
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
          nextAttemptAt: status === "queued" ? now : null,
          expiresAt: new Date(now.getTime() + this.options.holdMs),
          acceptedAt: now,
          source: item.source,
          originatingScript: headers.originatingScript,
        });
        out.push({ id, status });
      }
      await this.repo.insertMessages(tx, rows);
      for (const [hostingId, q] of granted) {
        if (q.accepted > 0) await this.repo.addDaily(tx, hostingId, day, q.accepted, q.held);
      }
      return out;
    });
    await this.checkBursts(items, results, now);
    return results;
  }

  private async checkBursts(
    items: IncomingMessage[],
    results: Array<AcceptedMessage | Error>,
    now: Date,
  ): Promise<void> {
    const { limit, windowMs } = this.options.burst;
    if (limit <= 0) return;
    const active = new Set(
      items
        .filter((_, i) => (results[i] as AcceptedMessage).status === "queued")
        .map((i) => i.hostingId),
    );
    for (const hostingId of active) {
      const since = new Date(now.getTime() - windowMs);
      const count = await this.repo.countAcceptedSince(hostingId, since, limit + 1);
      if (count > limit) {
        const reason = `burst: more than ${limit} messages in ${Math.round(windowMs / 1000)} s`;
        await this.options.onBurst(hostingId, reason).catch(() => undefined);
      }
    }
  }
}
