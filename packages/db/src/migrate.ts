import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { Database } from "./client.ts";
import { MIGRATIONS_DIR } from "./schema-paths.ts";
import type { SqlRunner } from "./sql-runner.ts";
import { transactionControlStatements } from "./transaction-control.ts";

// Any fixed number shared by every copy of the product: two processes starting together
// queue on it instead of both migrating.
const MIGRATION_LOCK_KEY = 7_345_112_001;

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MigrationError";
  }
}

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const bytes = await readFile(path.join(dir, name, "migration.sql"));
      return {
        name,
        sql: bytes.toString("utf8"),
        checksum: createHash("sha256").update(bytes).digest("hex"),
      };
    }),
  );
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export interface MigrateOptions {
  /** How long to wait for another process's migration before giving up (default 60 s). */
  lockWaitMs?: number;
  /** How often to try the lock meanwhile (default 250 ms). */
  lockPollMs?: number;
}

export const DEFAULT_MIGRATION_LOCK_WAIT_MS = 60_000;

/**
 * Applies the pending migrations in name order, each in its own transaction, and records them
 * in Prisma's own `_prisma_migrations` table so that the stock Prisma CLI sees them as applied.
 * Returns the names it applied. Waits at most `lockWaitMs` for a process that is migrating the
 * same database, then throws: a migration stuck behind a lock must not hang start-up unseen.
 */
export async function migrate(
  db: Database,
  dir = MIGRATIONS_DIR,
  options: MigrateOptions = {},
): Promise<string[]> {
  const files = await readMigrations(dir);
  return db.withSql(async (sql) => {
    await takeLock(sql, options);
    try {
      return await applyPending(sql, files);
    } finally {
      // a failed unlock must not hide the migration's own error; the lock ends with the session
      await sql.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]).catch(() => undefined);
    }
  });
}

async function takeLock(sql: SqlRunner, options: MigrateOptions): Promise<void> {
  const waitMs = options.lockWaitMs ?? DEFAULT_MIGRATION_LOCK_WAIT_MS;
  const pollMs = options.lockPollMs ?? 250;
  const deadline = Date.now() + waitMs;
  for (;;) {
    const [row] = await sql.query("SELECT pg_try_advisory_lock($1) AS locked", [
      MIGRATION_LOCK_KEY,
    ]);
    if (row?.locked === true) return;
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new MigrationError(
        `Another process is migrating this database (it holds the migration lock, advisory lock ${MIGRATION_LOCK_KEY}); gave up after ${Math.round(waitMs / 1000)} s. Start again once it has finished, or find the process holding the lock (pg_locks, locktype 'advisory').`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, left)));
  }
}

/** Refuses a file that controls transactions itself: the runner's one transaction is the promise. */
function checkNoTransactionControl(file: MigrationFile): void {
  const found = transactionControlStatements(file.sql);
  if (found.length > 0) {
    throw new MigrationError(
      `Migration ${file.name}/migration.sql controls transactions itself (${[...new Set(found)].join(", ")}). The runner applies each file in one transaction of its own: remove these statements (SAVEPOINT is fine).`,
    );
  }
}

async function applyPending(sql: SqlRunner, files: MigrationFile[]): Promise<string[]> {
  await sql.exec(CREATE_TABLE);
  const rows = await sql.query(
    `SELECT migration_name, checksum, finished_at IS NOT NULL AS finished
       FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
  );
  // Only the stock Prisma CLI records a failed migration (ours roll back); it refuses to go on
  // until someone resolves it, and so do we.
  const failed = rows.find((r) => !r.finished);
  if (failed) {
    throw new MigrationError(
      `Migration ${String(failed.migration_name)} is recorded as started but not finished in _prisma_migrations. Check the database by hand, then mark it rolled back (prisma migrate resolve --rolled-back) or finished.`,
    );
  }
  const applied = new Map(rows.map((r) => [String(r.migration_name), String(r.checksum)]));
  // every pending file is checked before the first one runs
  for (const file of files) if (!applied.has(file.name)) checkNoTransactionControl(file);
  const done: string[] = [];
  for (const file of files) {
    const known = applied.get(file.name);
    if (known !== undefined) {
      if (known !== file.checksum) {
        throw new MigrationError(
          `Migration ${file.name} was changed after it was applied (checksum ${known} in the database, ${file.checksum} on disk). Restore the file and add a new migration instead.`,
        );
      }
      continue;
    }
    try {
      await sql.exec("BEGIN");
      await sql.exec(file.sql);
      await sql.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
         VALUES ($1, $2, $3, now(), now(), 1)`,
        [randomUUID(), file.checksum, file.name],
      );
      await sql.exec("COMMIT");
    } catch (error) {
      await sql.exec("ROLLBACK").catch(() => undefined);
      const reason = error instanceof Error ? error.message : String(error);
      throw new MigrationError(`Migration ${file.name}/migration.sql failed: ${reason}`);
    }
    done.push(file.name);
  }
  return done;
}
