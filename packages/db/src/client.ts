import { mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaClient } from "@prisma/client";
import pg from "pg";
import { acquireDataLock } from "./data-lock.ts";
import { reportPoolErrors } from "./error-count.ts";
import { createPgAdapter } from "./pg-adapter.ts";
import { createPgliteAdapter } from "./pglite-adapter.ts";
import { pgSqlClient, prismaSqlClient, type SqlClient } from "./sql-client.ts";
import type { SqlRunner } from "./sql-runner.ts";

export type Db = PrismaClient;

export interface Database {
  prisma: PrismaClient;
  kind: "postgresql" | "embedded";
  /** Plain SQL for the hot paths (see sql-client.ts); same database, same pool. */
  sql: SqlClient;
  /** Runs plain SQL outside Prisma: used by the migration runner only. */
  withSql<T>(fn: (sql: SqlRunner) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** `postgresql://…`; unset selects the embedded PGlite kept under `dataDir`. */
  databaseUrl?: string | undefined;
  dataDir: string;
  /** Connection pool size on PostgreSQL. */
  poolSize?: number;
  /**
   * Told of every failed connection and statement on PostgreSQL (the operator's error counter);
   * the failure still reaches its caller as before. Not called on the embedded database.
   */
  onError?: (error: unknown) => void;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    return openPostgres(options.databaseUrl, options.poolSize ?? 10, options.onError);
  }
  return openEmbedded(embeddedFolder(options.dataDir));
}

/** Where the embedded database keeps its files inside DATA_DIR. */
export function embeddedFolder(dataDir: string): string {
  return path.join(dataDir, "pglite");
}

function openPostgres(
  connectionString: string,
  max: number,
  onError?: (error: unknown) => void,
): Database {
  const pool = new pg.Pool({ connectionString, max });
  // An idle connection killed by the server (restart, failover, a dropped test database) is
  // reported here; without a listener Node would crash the process. The pool replaces it.
  pool.on("error", () => {});
  if (onError) reportPoolErrors(pool, onError);
  const prisma = new PrismaClient({ adapter: createPgAdapter(pool) });
  return {
    prisma,
    kind: "postgresql",
    sql: pgSqlClient(pool),
    async withSql(fn) {
      const client = await pool.connect();
      try {
        return await fn({
          query: async (text, params) => (await client.query(text, params as unknown[])).rows,
          exec: async (text) => {
            await client.query(text);
          },
        });
      } finally {
        client.release();
      }
    },
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

async function openEmbedded(folder: string): Promise<Database> {
  mkdirSync(folder, { recursive: true });
  // PGlite does not notice a second process opening the same folder: both would write to it.
  const release = acquireDataLock(`${folder}.lock`, folder);
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(folder);
  } catch (error) {
    release();
    throw error;
  }
  const prisma = new PrismaClient({ adapter: createPgliteAdapter(pglite) });
  return {
    prisma,
    kind: "embedded",
    sql: prismaSqlClient(prisma),
    withSql: (fn) =>
      fn({
        query: async (text, params) =>
          (await pglite.query<Record<string, unknown>>(text, params as unknown[])).rows,
        exec: async (text) => {
          await pglite.exec(text);
        },
      }),
    async close() {
      try {
        await prisma.$disconnect();
        await pglite.close();
      } finally {
        release();
      }
    },
  };
}
