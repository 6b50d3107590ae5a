import type { Clock } from "../clock.ts";
import { DomainError } from "../errors.ts";
import type { Tx } from "../shared/base-repository.ts";
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
  /** Share of the daily limit (0–1) from which `onDailyLimitNear` is called; default 0.8. */
  dailyLimitWarning?: number;
  /** Called (outside the ingest transaction) when a hosting has used that share of its day. */
  onDailyLimitNear?(
    hostingId: string,
    day: Date,
    figures: { used: number; limit: number },
  ): Promise<void>;
}

/**
 * Stores incoming mail durably. `accept` resolves only after the message is committed, which is
 * when SMTP may answer 250. Concurrent calls are grouped into one transaction.
 */
export class IngestService {
  private readonly batcher: GroupCommit<IncomingMessage, AcceptedMessage>;
  /** `hostingId day` pairs already reported near their limit by this process (saves queries). */
  private readonly warned = new Set<string>();
  private warnedDay = "";

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
    await this.checkBursts(items, results.out, now);
    await this.checkDailyLimits(results.granted, day);
    return results.out;
  }

  private async checkDailyLimits(
    granted: Map<string, { left: number; limit: number }>,
    day: Date,
  ): Promise<void> {
    const notify = this.options.onDailyLimitNear;
    if (!notify) return;
    const share = this.options.dailyLimitWarning ?? 0.8;
    const dayKey = day.toISOString();
    if (dayKey !== this.warnedDay) {
      this.warned.clear();
      this.warnedDay = dayKey;
    }
    for (const [hostingId, q] of granted) {
      const used = q.limit - Math.max(q.left, 0);
      if (q.limit <= 0 || used < Math.ceil(q.limit * share)) continue;
      if (this.warned.has(hostingId)) continue;
      this.warned.add(hostingId);
      // The alert itself is recorded once per hosting and day whatever the number of processes.
      await notify(hostingId, day, { used, limit: q.limit }).catch(() =>
        this.warned.delete(hostingId),
      );
    }
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
