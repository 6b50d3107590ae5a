import {
  HEALTH_COMPONENTS,
  type HealthComponent,
  type HealthCount,
  type Logger,
  type RecipientResult,
  silentLogger,
} from "@scripts-email/domain";

export interface HealthSink {
  record(counts: HealthCount[]): Promise<void>;
}

export const DEFAULT_HEALTH_FLUSH_MS = 5_000;
const MINUTE_MS = 60_000;

/**
 * Counts the relay's and the spam scanner's successes and failures in memory per minute and
 * writes them every few seconds in one statement (never one write per message), for support's
 * fleet summary. A failed write is logged and its counts dropped: health is informational.
 */
export class HealthRecorder {
  private pending = new Map<string, HealthCount>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly sink: HealthSink,
    private readonly options: { flushMs?: number; log?: Logger; now?: () => Date } = {},
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      void this.flush();
    }, this.options.flushMs ?? DEFAULT_HEALTH_FLUSH_MS);
    this.timer.unref();
  }

  success(component: HealthComponent): void {
    const at = this.now();
    const entry = this.entry(component, at);
    entry.successes++;
    entry.lastSuccessAt = at;
  }

  failure(component: HealthComponent, error: string): void {
    const at = this.now();
    const entry = this.entry(component, at);
    entry.failures++;
    entry.lastFailureAt = at;
    entry.lastError = error;
  }

  /**
   * The relay's part of a message's results: it answered about the message (delivered, or a
   * recipient's or the content's refusal) or it failed at the session (every result the
   * relay's fault: connection, TLS, AUTH, a relay that refuses to relay).
   */
  relayResults(results: RecipientResult[]): void {
    if (results.length === 0) return;
    const failed = results.every((r) => r.outcome !== "delivered" && r.kind === "relay");
    if (failed) this.failure(HEALTH_COMPONENTS.relay, results[0]?.text ?? "");
    else this.success(HEALTH_COMPONENTS.relay);
  }

  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private entry(component: HealthComponent, at: Date): HealthCount {
    const minute = new Date(Math.floor(at.getTime() / MINUTE_MS) * MINUTE_MS);
    const key = `${component}\n${minute.getTime()}`;
    let entry = this.pending.get(key);
    if (!entry) {
      entry = {
        component,
        minute,
        successes: 0,
        failures: 0,
        lastSuccessAt: null,
        lastFailureAt: null,
        lastError: null,
      };
      this.pending.set(key, entry);
    }
    return entry;
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return;
    const counts = [...this.pending.values()];
    this.pending = new Map();
    try {
      await this.sink.record(counts);
    } catch (error) {
      (this.options.log ?? silentLogger).warn(
        { err: error, components: counts.map((c) => c.component) },
        "relay and spam scanner health not recorded",
      );
    }
  }
}
