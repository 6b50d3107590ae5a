import { isIP } from "node:net";
import { DomainError } from "../errors.ts";

export interface LoginThrottleOptions {
  /** Failures of one (client, e-mail) pair within the window answered without delay. */
  maxFailedLogins: number;
  /** How long a failure counts. */
  loginWindowMs: number;
  /** The first wait, doubled at each further failure. */
  loginDelayBaseMs: number;
  /** The longest wait. */
  loginDelayMaxMs: number;
}

/** Failure times kept per level: enough for the wait to reach its cap. */
export const FAILURE_HISTORY = 64;

/** Failed logins within the window, newest first, at most FAILURE_HISTORY of each. */
export interface RecentFailures {
  /** Of the e-mail address, from every client. */
  email: Date[];
  /** Of the e-mail address from this client. */
  pair: Date[];
  /** Of this client, for every e-mail address. */
  client: Date[];
}

/** Used for callers that pass no client address (scripts, the CLI): they share one client. */
export const UNKNOWN_CLIENT = "unknown";

function expandIpv6(address: string): string[] {
  const [head = "", tail] = address.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const missing = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array<string>(missing).fill("0"), ...right];
}

/**
 * The key a client's failures are counted under. IPv4-mapped addresses are their IPv4 address.
 * An IPv6 client is its /64: one subscriber gets a whole /64 and can use any address in it, so
 * counting per address would give a guesser 2^64 fresh clients.
 */
export function loginClientKey(address: string | null | undefined): string {
  if (!address) return UNKNOWN_CLIENT;
  const trimmed = address.trim().toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(trimmed);
  if (mapped?.[1] && isIP(mapped[1]) === 4) return mapped[1];
  if (isIP(trimmed) !== 6 || trimmed.includes(".")) return trimmed.slice(0, 100);
  const groups = expandIpv6(trimmed.split("%")[0] ?? trimmed);
  return `${groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(":")}::/64`;
}

/**
 * How long a login from this client for this e-mail must wait before its password is even
 * checked; 0 when it may be checked now. Three levels, each a progressive delay (never a lock):
 * past its free failures, a level asks for `base × 2^(failures − free)` (capped) after a failure.
 *
 * - the (client, e-mail) pair: `maxFailedLogins` free;
 * - the client, whatever the e-mail (one client trying many accounts): twice as many free, for
 *   the people behind one shared address;
 * - the e-mail from every client (a guesser that changes address): twice as many free, and only
 *   for a client that itself failed on this e-mail within the window, counted from that client's
 *   own last failure. So a correct password from a client with no recent failure always gets
 *   checked, and no guesser can keep a user out: at worst a user who mistyped during an attack
 *   waits the capped delay after their own mistake.
 *
 * A success clears nothing: failures leave the window. Clearing on success would let a guesser
 * who shares the victim's address (an office, a proxy) start again each time the victim signs
 * in, and the delays stay short for a user who mistyped and then got in.
 */
export function loginWaitMs(
  failures: RecentFailures,
  now: Date,
  options: LoginThrottleOptions,
): number {
  const free = options.maxFailedLogins;
  const delay = (count: number, freeCount: number): number =>
    count < freeCount
      ? 0
      : Math.min(
          options.loginDelayMaxMs,
          options.loginDelayBaseMs * 2 ** Math.min(count - freeCount, 30),
        );
  const until = (since: Date | undefined, ms: number) =>
    since && ms > 0 ? since.getTime() + ms - now.getTime() : 0;
  const lastOfPair = failures.pair[0];
  return Math.max(
    0,
    until(lastOfPair, delay(failures.pair.length, free)),
    until(failures.client[0], delay(failures.client.length, 2 * free)),
    until(lastOfPair, delay(failures.email.length, 2 * free)),
  );
}

/** The error of a throttled login: the wait in seconds, and in minutes for older clients. */
export function throttledError(waitMs: number): DomainError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return new DomainError(
    "too_many_attempts",
    { seconds, minutes },
    seconds < 60 ? "error.too_many_attempts.seconds" : undefined,
  );
}
