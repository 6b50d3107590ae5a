import {
  type Logger,
  MAX_REFUSAL_SCRIPTS,
  OTHER_SCRIPTS,
  REFUSAL_REASONS,
  type RefusalCount,
  type RefusalReason,
  type RefusalService,
  silentLogger,
} from "@scripts-email/domain";
import { Counter, type Registry } from "prom-client";

/** A refusal the ingest server answered, for a hosting it knows. */
export interface Refused {
  /** By id after AUTH; by the account name a failed AUTH gave (kept only if a hosting has it). */
  hosting: RefusalCount["hosting"];
  script: string;
  reason: RefusalReason;
}

export interface RefusalRecorderOptions {
  /** How often the counts are written; default 1 s. */
  flushMs?: number;
  /** Distinct (hosting, day, script, reason) kept between two writes; default 10,000. */
  maxEntries?: number;
  log?: Logger;
  now?: () => Date;
}

/**
 * The script of a refusal before DATA (AUTH, MAIL FROM, a message over the size limit): the
 * submission kind, and the server cannot tell the sendmail command from another client before
 * its message (the `X-Scripts-Email-Via` header) arrives, so it is `smtp`.
 */
export const BEFORE_DATA_SCRIPT = "smtp";

export const DEFAULT_REFUSAL_FLUSH_MS = 1000;
export const DEFAULT_REFUSAL_ENTRIES = 10_000;

/**
 * Counts the ingest server's refusals in memory per (hosting, day, script, reason) and writes
 * them every second in one statement (RefusalService.record), so that recording can neither
 * delay nor change an SMTP answer, and a flood of refusals costs one statement a second. Bounded:
 * at most MAX_REFUSAL_SCRIPTS scripts per hosting and day (further ones count as "(other)") and
 * `maxEntries` keys between two writes; past that, and when a write fails, refusals are dropped
 * and counted in `scripts_email_refusals_dropped_total`.
 */
export class RefusalRecorder {
  private pending = new Map<string, RefusalCount>();
  /** Scripts of each hosting and day in `pending`, to apply the cap before the database does. */
  private scripts = new Map<string, Set<string>>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private readonly refused: Counter<"reason">;
  private readonly dropped: Counter;
  private readonly log: Logger;
  private readonly now: () => Date;
  private readonly maxEntries: number;

  constructor(
    private readonly sink: Pick<RefusalService, "record">,
    registry: Registry,
    private readonly options: RefusalRecorderOptions = {},
  ) {
    const registers = [registry];
    this.refused = new Counter({
      name: "scripts_email_refusals_total",
      help:
        "Submissions refused by the SMTP ingest, by reason: daily_limit, size, sender_domain, " +
        "from_header, message (malformed), storage (554, cannot be stored) for a logged-in " +
        "hosting; suppressed, a recipient on the hosting's suppression list (counted per " +
        "recipient); auth, every failed AUTH (the per-script view keeps only those that name a " +
        "hosting).",
      labelNames: ["reason"],
      registers,
    });
    for (const reason of REFUSAL_REASONS) this.refused.inc({ reason }, 0);
    this.dropped = new Counter({
      name: "scripts_email_refusals_dropped_total",
      help:
        "Refusals counted in scripts_email_refusals_total but not written to the per-script " +
        "view: more distinct ones in a second than the recorder keeps, or a failed write.",
      registers,
    });
    this.log = options.log ?? silentLogger;
    this.now = options.now ?? (() => new Date());
    this.maxEntries = options.maxEntries ?? DEFAULT_REFUSAL_ENTRIES;
  }

  /** Writes the counts every `flushMs` until `stop()`. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      void this.flush();
    }, this.options.flushMs ?? DEFAULT_REFUSAL_FLUSH_MS);
    this.timer.unref();
  }

  /** Counts one refusal. Synchronous and never throws: the SMTP answer does not wait for it. */
  record(refused: Refused): void {
    try {
      this.refused.inc({ reason: refused.reason });
      const day = this.now().toISOString().slice(0, 10);
      const hosting =
        "id" in refused.hosting ? `i:${refused.hosting.id}` : `n:${refused.hosting.serviceName}`;
      const hostingDay = `${hosting}\n${day}`;
      let scripts = this.scripts.get(hostingDay);
      let script = refused.script;
      if (!scripts?.has(script) && (scripts?.size ?? 0) >= MAX_REFUSAL_SCRIPTS) {
        script = OTHER_SCRIPTS;
      }
      const key = `${hostingDay}\n${script}\n${refused.reason}`;
      const entry = this.pending.get(key);
      if (entry) {
        entry.count++;
        return;
      }
      if (this.pending.size >= this.maxEntries) {
        this.dropped.inc();
        return;
      }
      this.pending.set(key, {
        hosting: refused.hosting,
        day,
        script,
        reason: refused.reason,
        count: 1,
      });
      if (script !== OTHER_SCRIPTS) {
        if (!scripts) {
          scripts = new Set();
          this.scripts.set(hostingDay, scripts);
        }
        scripts.add(script);
      }
    } catch (error) {
      this.log.warn({ err: error }, "refusal not counted");
    }
  }

  /** Writes what was counted so far (one statement); resolves once written or dropped. */
  flush(): Promise<void> {
    // one write at a time: the next takes what arrived meanwhile
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  /** Stops the timer and writes what is left. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return;
    const counts = [...this.pending.values()];
    this.pending = new Map();
    this.scripts = new Map();
    try {
      await this.sink.record(counts);
    } catch (error) {
      const lost = counts.reduce((n, c) => n + c.count, 0);
      this.dropped.inc(lost);
      this.log.error({ err: error, refusals: lost }, "refusals per script not recorded");
    }
  }
}
