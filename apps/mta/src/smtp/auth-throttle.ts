export interface AuthThrottleOptions {
  /** Failed AUTH attempts from one client address within `windowMs` before it is refused. */
  maxFailures: number;
  windowMs: number;
}

export const DEFAULT_AUTH_THROTTLE: AuthThrottleOptions = { maxFailures: 5, windowMs: 10 * 60_000 };

/**
 * Counts failed SMTP AUTH attempts per client address in this process's memory. Submission
 * listens on loopback (the websites of the same machine), so each ingest process sees its own
 * clients and a per-process counter is enough; it is not shared between processes on purpose
 * (the architecture allows no shared in-memory state) and is lost on restart, which only gives
 * a guesser a fresh window of a few attempts.
 */
export class AuthThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly options: AuthThrottleOptions = DEFAULT_AUTH_THROTTLE,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when the address has used up its failed attempts for the current window. */
  isBlocked(address: string): boolean {
    return this.recent(address).length >= this.options.maxFailures;
  }

  recordFailure(address: string): void {
    const recent = this.recent(address);
    recent.push(this.now());
    this.failures.set(address, recent);
    if (this.failures.size > 10_000) this.prune();
  }

  recordSuccess(address: string): void {
    this.failures.delete(address);
  }

  private recent(address: string): number[] {
    const since = this.now() - this.options.windowMs;
    const recent = (this.failures.get(address) ?? []).filter((at) => at > since);
    if (recent.length === 0) this.failures.delete(address);
    else this.failures.set(address, recent);
    return recent;
  }

  /** Bounds memory when many addresses fail once and never come back. */
  private prune(): void {
    for (const address of [...this.failures.keys()]) this.recent(address);
  }
}
