import type { Logger } from "../shared/logger.ts";
import type { IngestRepository } from "./ingest-repository.ts";

export interface BurstRule {
  /** More than `limit` messages accepted within `windowMs` blocks the hosting; 0 disables. */
  limit: number;
  windowMs: number;
}

export interface AfterCommitOptions {
  burst: BurstRule;
  /** Called when a hosting crosses the burst rule. */
  onBurst(hostingId: string, reason: string): Promise<void>;
  /** Share of the daily limit (0–1) from which `onDailyLimitNear` is called; default 0.8. */
  dailyLimitWarning?: number;
  /** Called when a hosting has used that share of its day. */
  onDailyLimitNear?(
    hostingId: string,
    day: Date,
    figures: { used: number; limit: number },
  ): Promise<void>;
  /** Called when a hosting has used all of its day: further mail is refused until midnight UTC. */
  onDailyLimitReached?(
    hostingId: string,
    day: Date,
    figures: { used: number; limit: number },
  ): Promise<void>;
  /** Where a failed check is reported; default nowhere. */
  log?: Logger;
}

/** What a committed batch tells the checks. */
export interface CommittedBatch {
  at: Date;
  day: Date;
  /** Hostings that had mail queued (not held) in the batch: the burst rule looks at them. */
  queued: Iterable<string>;
  /** Each hosting's use of its day once the batch committed. */
  usage: Map<string, { used: number; limit: number }>;
}

/**
 * The work that follows a commit: the burst rule and the daily-limit warning. It runs after the
 * callers have their answer and can never change it: a message that is committed is accepted,
 * whatever happens here (a 4xx after a commit makes the client send the mail again, and it goes
 * out twice). Failures are logged, never thrown.
 *
 * One run at a time, fed by every batch: the hostings a run has not reached yet are merged, so
 * under load the checks cost one query per hosting per run, not one per batch, and never pile up
 * behind a slow database.
 */
export class AfterCommitChecks {
  private bursts = new Map<string, Date>();
  private usage = new Map<string, { day: Date; used: number; limit: number }>();
  /**
   * How far each hosting was already reported on `warnedDay` by this process (saves queries):
   * 1 near its limit, 2 at it.
   */
  private readonly warned = new Map<string, number>();
  private warnedDay = "";
  private running: Promise<void> | null = null;

  constructor(
    private readonly repo: Pick<IngestRepository, "countAcceptedSince">,
    private readonly options: AfterCommitOptions,
  ) {}

  /** Notes what a batch committed; the checks run on a later turn. Never throws. */
  record(batch: CommittedBatch): void {
    try {
      if (this.options.burst.limit > 0) {
        for (const hostingId of batch.queued) this.bursts.set(hostingId, batch.at);
      }
      if (this.options.onDailyLimitNear || this.options.onDailyLimitReached) {
        for (const [hostingId, u] of batch.usage)
          this.usage.set(hostingId, { day: batch.day, ...u });
      }
      if (!this.running && (this.bursts.size > 0 || this.usage.size > 0)) {
        this.running = this.runAll()
          .catch((error: unknown) => this.report("checks", error))
          .finally(() => {
            this.running = null;
          });
      }
    } catch (error) {
      this.report("recording a committed batch", error);
    }
  }

  /** Resolves once no check is running or waiting (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  private async runAll(): Promise<void> {
    // The replies of the batch go out first.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.bursts.size > 0 || this.usage.size > 0) {
      const bursts = this.bursts;
      const usage = this.usage;
      this.bursts = new Map();
      this.usage = new Map();
      for (const [hostingId, at] of bursts) {
        await this.guard("burst check", () => this.checkBurst(hostingId, at));
      }
      for (const [hostingId, u] of usage) {
        await this.guard("daily limit warning", () => this.checkDailyLimit(hostingId, u));
      }
    }
  }

  private async guard(what: string, check: () => Promise<void>): Promise<void> {
    try {
      await check();
    } catch (error) {
      this.report(what, error);
    }
  }

  private report(what: string, error: unknown): void {
    try {
      this.options.log?.warn(
        { err: error, check: what },
        `${what} after commit failed (the mail stays accepted)`,
      );
    } catch {
      // a logger that throws changes nothing either
    }
  }

  private async checkBurst(hostingId: string, at: Date): Promise<void> {
    const { limit, windowMs } = this.options.burst;
    // counted from the hosting's last unblock if later (see countAcceptedSince)
    const since = new Date(at.getTime() - windowMs);
    const count = await this.repo.countAcceptedSince(hostingId, since, limit + 1);
    if (count > limit) {
      const reason = `burst: more than ${limit} messages in ${Math.round(windowMs / 1000)} s`;
      await this.options.onBurst(hostingId, reason);
    }
  }

  private async checkDailyLimit(
    hostingId: string,
    u: { day: Date; used: number; limit: number },
  ): Promise<void> {
    const share = this.options.dailyLimitWarning ?? 0.8;
    const dayKey = u.day.toISOString();
    if (dayKey !== this.warnedDay) {
      this.warned.clear();
      this.warnedDay = dayKey;
    }
    if (u.limit <= 0) return;
    const level = u.used >= u.limit ? 2 : u.used >= Math.ceil(u.limit * share) ? 1 : 0;
    const told = this.warned.get(hostingId) ?? 0;
    if (level <= told) return;
    this.warned.set(hostingId, level);
    // Each alert is recorded once per hosting and day whatever the number of processes (a
    // hosting that crosses both thresholds at once is told both); a failed one is tried again
    // with the hosting's next message.
    const figures = { used: u.used, limit: u.limit };
    try {
      if (told < 1) await this.options.onDailyLimitNear?.(hostingId, u.day, figures);
      if (level === 2) await this.options.onDailyLimitReached?.(hostingId, u.day, figures);
    } catch (error) {
      this.warned.set(hostingId, told);
      throw error;
    }
  }
}
