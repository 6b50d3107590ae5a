import type pg from "pg";

/**
 * What a failed database call says about the database, for the operator's error counter:
 * `connection` (no connection, lost, refused, or the server shutting down: SQLSTATE 08 and 57P),
 * `constraint` (SQLSTATE 23: a duplicate name and the like, usually the product's own answer to
 * a user), `query` (any other error the server reported: a timeout, a deadlock, a full disk).
 */
export type DatabaseErrorKind = "connection" | "query" | "constraint";

export const DATABASE_ERROR_KINDS: readonly DatabaseErrorKind[] = [
  "connection",
  "query",
  "constraint",
];

export function databaseErrorKind(error: unknown): DatabaseErrorKind {
  const code = (error as { code?: unknown } | null)?.code;
  // node's own codes (ECONNREFUSED, ETIMEDOUT) and pg's messages without one are the connection's
  if (typeof code !== "string" || !/^[0-9A-Z]{5}$/.test(code)) return "connection";
  if (code.startsWith("08") || code.startsWith("57P")) return "connection";
  if (code.startsWith("23")) return "constraint";
  return "query";
}

type Callback = (error: unknown, ...rest: unknown[]) => void;

/** Calls `fn`, reporting a failure to `onError` whether it answers by callback or promise. */
function observe(
  call: (...args: unknown[]) => unknown,
  args: unknown[],
  onError: (error: unknown) => void,
): unknown {
  const last = args.length - 1;
  const callback = args[last];
  if (typeof callback === "function") {
    const wrapped: Callback = (error, ...rest) => {
      if (error) onError(error);
      (callback as Callback)(error, ...rest);
    };
    return call(...args.slice(0, last), wrapped);
  }
  const result = call(...args);
  if (result instanceof Promise) {
    return result.catch((error: unknown) => {
      onError(error);
      throw error;
    });
  }
  return result;
}

/**
 * Reports every failed connection and statement of the pool (Prisma's adapter and `db.sql` both
 * go through it) to `onError`: new connections' `query` and the pool's `connect` are wrapped,
 * and an idle connection the server dropped counts too. Called once, before the pool is used.
 */
export function reportPoolErrors(pool: pg.Pool, onError: (error: unknown) => void): void {
  pool.on("error", onError);
  pool.on("connect", (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: unknown }).query = (...args: unknown[]) =>
      observe(query, args, onError);
  });
  const connect = pool.connect.bind(pool) as (...args: unknown[]) => unknown;
  (pool as unknown as { connect: unknown }).connect = (...args: unknown[]) =>
    observe(connect, args, onError);
}
