import { isIP } from "node:net";

export interface AuthThrottleOptions {
  /**
   * Wrong passwords of one (client address, account) pair within `windowMs` from which on each
   * is answered `421` and the connection closed instead of `535`.
   */
  maxFailures: number;
  /** How long a failure counts. */
  windowMs: number;
  /** Wrong passwords of one account (from every address) answered without delay; default 2. */
  freeFailures?: number;
  /** Tarpit before the first delayed answer, doubled at each further failure; default 1 s. */
  baseDelayMs?: number;
  /** Longest tarpit; default 20 s. */
  maxDelayMs?: number;
  /** Wrong-password answers of one account waiting at once; beyond, `421` at once. Default 20. */
  maxWaiting?: number;
  /** Accounts, and (address, account) pairs, kept in memory; default 10,000 of each. */
  maxTracked?: number;
}

export const DEFAULT_AUTH_THROTTLE: AuthThrottleOptions = { maxFailures: 5, windowMs: 10 * 60_000 };

/** How to answer one wrong password. */
export interface FailureVerdict {
  /** Wait this long before answering. */
  delayMs: number;
  /** Answer 421 and close rather than 535. */
  close: boolean;
}

/** Failure times kept per key: enough for the delay to reach its cap, bounded whatever the flood. */
const HISTORY = 32;
/** Longer user names are cut: no service name is that long, and the key's size stays bounded. */
const MAX_KEY_LENGTH = 256;

/** The AUTH user name as the hostings table knows it: service names are lower-case. */
export function accountKey(user: string): string {
  return user.trim().toLowerCase().slice(0, MAX_KEY_LENGTH);
}

/** `::ffff:127.0.0.1` and `127.0.0.1` are one client. */
export function clientKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1] && isIP(mapped[1]) === 4) return mapped[1];
  return address.toLowerCase();
}

/**
 * Failure times per key within a window, for at most `maxTracked` keys. When full, expired keys
 * go first, then the keys with the fewest failures (oldest first among equals). User names cost
 * an attacker nothing to invent, so a flood of them makes entries of one failure each that evict
 * one another; the state of an account really under attack (many failures) only goes once the
 * table is full of names that each took as many failures, every one of them answered through
 * the tarpit. And losing that state only shortens the delays: it never lets anyone in.
 */
class FailureLog {
  private readonly times = new Map<string, number[]>();

  constructor(
    private readonly windowMs: number,
    private readonly maxTracked: number,
  ) {}

  get size(): number {
    return this.times.size;
  }

  /** Records a failure at `now`; returns the key's failures within the window, this one included. */
  add(key: string, now: number): number {
    const recent = this.recent(key, now);
    recent.push(now);
    if (recent.length > HISTORY) recent.splice(0, recent.length - HISTORY);
    this.times.set(key, recent);
    if (this.times.size > this.maxTracked) this.evict(now);
    return recent.length;
  }

  count(key: string, now: number): number {
    return this.recent(key, now).length;
  }

  private recent(key: string, now: number): number[] {
    const since = now - this.windowMs;
    const all = this.times.get(key);
    if (!all) return [];
    const recent = all.filter((at) => at > since);
    if (recent.length === 0) this.times.delete(key);
    return recent;
  }

  /** Down to 90 % of the cap, so that a flood sorts the table once per 10 % of it, not per name. */
  private evict(now: number): void {
    const since = now - this.windowMs;
    for (const [key, times] of this.times) {
      if ((times.at(-1) ?? 0) <= since) this.times.delete(key);
    }
    const target = Math.floor(this.maxTracked * 0.9);
    if (this.times.size <= target) return;
    const ranked = [...this.times].sort(
      ([, a], [, b]) => a.length - b.length || (a.at(-1) ?? 0) - (b.at(-1) ?? 0),
    );
    for (const [key] of ranked.slice(0, this.times.size - target)) this.times.delete(key);
  }
}

/**
 * Failed SMTP AUTH per account and per (client address, account), in this process's memory.
 *
 * Every website of the machine connects from the same (loopback) address, so the address alone
 * says nothing about who is guessing: counting per address let one site lock every other out.
 * Nothing here ever refuses a correct password, because on loopback the (address, account) pair
 * of an attacker is also the pair of the victim's own scripts: any lock an attacker can trigger
 * would stop the victim's mail. SMTP passwords are 192 random bits, so the limits are not what
 * keeps them from being guessed; they slow a noisy script down and cost it its connection:
 *
 * - each account's failures (from every address) beyond `freeFailures` are answered after a
 *   delay doubling from `baseDelayMs` to `maxDelayMs` (a tarpit, as Postfix's error sleep);
 * - a pair's failures from the `maxFailures`th on are answered 421 and the connection closed;
 * - at most `maxWaiting` answers of one account wait at once: beyond, 421 at once, so that a
 *   flood cannot hold an unbounded number of connections in the tarpit.
 *
 * A success clears nothing: on loopback the victim's cron job logging in would otherwise give
 * the attacker sharing its address a fresh set of undelayed guesses, and "4 wrong + 1 right"
 * would never be slowed. Failures simply leave the window. The counts are per process and lost
 * on restart (the architecture allows no shared in-memory state), which only gives a guesser a
 * fresh window.
 */
export class AuthThrottle {
  private readonly accounts: FailureLog;
  private readonly pairs: FailureLog;
  private readonly waiting = new Map<string, number>();
  private readonly freeFailures: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly maxWaiting: number;

  constructor(
    private readonly options: AuthThrottleOptions = DEFAULT_AUTH_THROTTLE,
    private readonly now: () => number = Date.now,
  ) {
    const maxTracked = options.maxTracked ?? 10_000;
    this.accounts = new FailureLog(options.windowMs, maxTracked);
    this.pairs = new FailureLog(options.windowMs, maxTracked);
    this.freeFailures = options.freeFailures ?? 2;
    this.baseDelayMs = options.baseDelayMs ?? 1_000;
    this.maxDelayMs = options.maxDelayMs ?? 20_000;
    this.maxWaiting = options.maxWaiting ?? 20;
  }

  /** Records a wrong password for `user` from `address` and says how to answer it. */
  recordFailure(address: string, user: string): FailureVerdict {
    const now = this.now();
    const account = accountKey(user);
    const accountFailures = this.accounts.add(account, now);
    const pairFailures = this.pairs.add(`${clientKey(address)} ${account}`, now);
    const over = accountFailures - this.freeFailures;
    const delayMs =
      over <= 0 ? 0 : Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.min(over - 1, 30));
    return { delayMs, close: pairFailures >= this.options.maxFailures };
  }

  /** Failures counted now for the account and for the pair. */
  failures(address: string, user: string): { account: number; pair: number } {
    const now = this.now();
    const account = accountKey(user);
    return {
      account: this.accounts.count(account, now),
      pair: this.pairs.count(`${clientKey(address)} ${account}`, now),
    };
  }

  /**
   * A place in `user`'s tarpit: a function that gives it back, or null when the account already
   * has `maxWaiting` answers waiting.
   */
  enterTarpit(user: string): (() => void) | null {
    const account = accountKey(user);
    const taken = this.waiting.get(account) ?? 0;
    if (taken >= this.maxWaiting) return null;
    this.waiting.set(account, taken + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.waiting.get(account) ?? 1) - 1;
      if (left <= 0) this.waiting.delete(account);
      else this.waiting.set(account, left);
    };
  }

  /** Keys held in memory (for tests of the bound). */
  get tracked(): { accounts: number; pairs: number } {
    return { accounts: this.accounts.size, pairs: this.pairs.size };
  }
}
