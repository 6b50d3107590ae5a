import { DomainError } from "../errors.ts";

/** The `messageKey` of a message that can never be stored (SMTP answers it with a 554). */
export const UNSTORABLE_MESSAGE = "error.message_unstorable";

interface DriverError {
  code?: unknown;
  originalCode?: unknown;
  message?: unknown;
  meta?: { code?: unknown; driverAdapterError?: unknown };
  cause?: unknown;
}

const SQLSTATE = /^[0-9A-Z]{5}$/;
const PRISMA_CODE = /^P\d{4}$/;

/**
 * The SQLSTATE of a database error: node-postgres puts it in `code`; Prisma's raw queries (its
 * P2010) in `meta.driverAdapterError.cause.originalCode`, or `meta.code` without an adapter.
 */
export function sqlState(error: unknown): string | null {
  const queue: unknown[] = [error];
  for (let seen = 0; queue.length > 0 && seen < 8; seen++) {
    const e = queue.shift() as DriverError | null | undefined;
    if (!e || typeof e !== "object") continue;
    for (const code of [e.originalCode, e.code, e.meta?.code]) {
      if (typeof code === "string" && SQLSTATE.test(code) && !PRISMA_CODE.test(code)) return code;
    }
    queue.push(e.meta?.driverAdapterError, e.cause);
  }
  return null;
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  // Prisma: cannot reach the server, timed out, connection closed, no connection from the pool
  "P1001",
  "P1002",
  "P1017",
  "P2024",
]);

const CONNECTION_MESSAGE =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed|not queryable|Cannot use a pool after calling end/i;

/**
 * Whether the database as a whole failed (away, restarting, out of connections) rather than
 * refusing what was written: nothing any message can be blamed for, so it is answered 451.
 * SQLSTATE classes 08 (connection), 53 (insufficient resources), 57P0x (shutting down).
 */
export function isStoreFailure(error: unknown): boolean {
  const state = sqlState(error);
  if (state) return /^(08|53|57P0)/.test(state);
  const e = (error ?? {}) as DriverError;
  if (typeof e.code === "string" && NETWORK_CODES.has(e.code)) return true;
  return typeof e.message === "string" && CONNECTION_MESSAGE.test(e.message);
}

/**
 * Whether a message that failed on its own can never be stored, however often it is sent again:
 * the database refused its data (SQLSTATE class 22, data exception, e.g. a byte sequence the
 * text columns cannot hold; class 54, a program limit such as a value too large). Anything else
 * (the connection, a deadlock, a timeout) may pass next time and is answered 451.
 */
export function isPermanentDataError(error: unknown): boolean {
  const state = sqlState(error);
  return state !== null && /^(22|54)/.test(state);
}

/** The error a message gets when it can never be stored: refused for good, not deferred. */
export function unstorableMessage(cause: unknown): DomainError {
  const error = new DomainError("validation_failed", {}, UNSTORABLE_MESSAGE);
  (error as Error).cause = cause;
  return error;
}

export function isUnstorableMessage(error: unknown): error is DomainError {
  return error instanceof DomainError && error.messageKey === UNSTORABLE_MESSAGE;
}
