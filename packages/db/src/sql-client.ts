import type { PrismaClient } from "@prisma/client";
import type pg from "pg";

/**
 * `prepare`: the statement is one of the hot path's (run per message or per batch by the ingest
 * and the delivery worker), kept prepared on each connection; see `statementNames`.
 */
export interface QueryOptions {
  prepare?: boolean;
}

/** One statement with `$1…$n` parameters, answering its rows. */
export interface SqlQuery {
  query<T = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
    options?: QueryOptions,
  ): Promise<T[]>;
}

/**
 * Plain SQL for the hot paths (mail ingest, delivery claims and results, the panel's reads), where
 * Prisma's per-query cost (its query compiler and runtime, ~0.3–0.9 ms of CPU a query against
 * ~0.1 ms here) was half of the server's CPU. Schema and migrations stay Prisma's; so does every
 * other query. Both implementations answer the same shapes: cast in the SQL (`::text`, `::int`)
 * rather than rely on a driver's type mapping.
 */
export interface SqlClient extends SqlQuery {
  /** Runs `fn` in one transaction on one connection: committed when it resolves. */
  transaction<T>(fn: (tx: SqlQuery) => Promise<T>): Promise<T>;
}

/** Distinct statement texts a pool keeps prepared on each of its connections. */
export const MAX_PREPARED_STATEMENTS = 128;

/**
 * Names each distinct statement text (`se_0`, `se_1`…) so that node-postgres prepares it once per
 * connection: PostgreSQL then skips parsing, analysing and (once its generic plan is as cheap as
 * custom ones, after five runs) planning it on every later run. Unnamed, the hot path's statements
 * cost more to parse and plan than to run (`bench/pg-message-cost.ts`). Only statements run with
 * `prepare` are named: the panel's reads, whose best plan depends on the hosting's size (one with
 * a million held messages against one with ten), keep a plan of their own on each run, and their
 * planning is a small part of a page call. Bounded: past `MAX_PREPARED_STATEMENTS` texts (a
 * statement built with varying text) the rest run unnamed, so a connection never holds more (each
 * costs it about 50 kB of plan cache). The prefix keeps clear of any name Prisma's adapter might
 * use. A prepared statement outlives a migration that changes its tables' columns only where its
 * result's shape is unchanged: processes are restarted after migrating (docs/operations.md).
 */
export function statementNames(
  max = MAX_PREPARED_STATEMENTS,
): (text: string) => string | undefined {
  const names = new Map<string, string>();
  return (text) => {
    let name = names.get(text);
    if (name === undefined && names.size < max) {
      name = `se_${names.size}`;
      names.set(text, name);
    }
    return name;
  };
}

/** Over node-postgres directly: on PostgreSQL, the pool Prisma's adapter uses too. */
export function pgSqlClient(pool: pg.Pool): SqlClient {
  const nameOf = statementNames();
  const config = (text: string, params: readonly unknown[], options?: QueryOptions) => ({
    name: options?.prepare ? nameOf(text) : undefined,
    text,
    values: params as unknown[],
  });
  return {
    async query<T>(text: string, params: readonly unknown[] = [], options?: QueryOptions) {
      return (await pool.query(config(text, params, options))).rows as T[];
    },
    async transaction(fn) {
      const client = await pool.connect();
      // A connection whose BEGIN, COMMIT or ROLLBACK failed may still be inside the transaction,
      // or dead: it is destroyed instead of going back to the pool.
      let broken: Error | undefined;
      // The server going away while this connection is checked out is reported here (without a
      // listener Node would crash); the query in flight fails on its own.
      const onError = (error: Error) => {
        broken = error;
      };
      client.on("error", onError);
      const control = async (text: string) => {
        try {
          await client.query(text);
        } catch (error) {
          broken = error as Error;
          throw error;
        }
      };
      try {
        await control("BEGIN");
        let result: Awaited<ReturnType<typeof fn>>;
        try {
          result = await fn({
            async query<T>(text: string, params: readonly unknown[] = [], options?: QueryOptions) {
              return (await client.query(config(text, params, options))).rows as T[];
            },
          });
        } catch (error) {
          await control("ROLLBACK").catch(() => {});
          throw error;
        }
        await control("COMMIT");
        return result;
      } finally {
        client.off("error", onError);
        client.release(broken);
      }
    },
  };
}

type PrismaRunner = Pick<PrismaClient, "$queryRawUnsafe">;

/** The same interface over a Prisma client or interactive transaction (`tx`). */
export function prismaQuery(prisma: PrismaRunner): SqlQuery {
  return {
    query: <T>(text: string, params: readonly unknown[] = []) =>
      prisma.$queryRawUnsafe<T[]>(text, ...params),
  };
}

/** Over Prisma's raw queries: for the embedded database, whose one connection Prisma owns. */
export function prismaSqlClient(prisma: PrismaClient): SqlClient {
  return {
    ...prismaQuery(prisma),
    transaction: (fn) =>
      prisma.$transaction((tx) => fn(prismaQuery(tx)), { maxWait: 10_000, timeout: 10_000 }),
  };
}
