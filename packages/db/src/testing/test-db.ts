import { createHash, randomBytes } from "node:crypto";
import pg from "pg";
import { type Database, openDatabase } from "../client.ts";
import { migrate, readMigrations } from "../migrate.ts";

/** The shared PostgreSQL that tests create their databases in (never one a test stops). */
export const ADMIN_URL =
  process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** The template's name changes with the migrations, so a stale template is never reused. */
export async function templateName(): Promise<string> {
  const files = await readMigrations();
  const hash = createHash("sha256");
  for (const f of files) hash.update(`${f.name}:${f.checksum}\n`);
  return `se_template_${hash.digest("hex").slice(0, 16)}`;
}

/** Creates the migrated template database once; run from vitest's global setup. */
export async function ensureTemplate(): Promise<string> {
  const name = await templateName();
  const exists = await withAdmin(
    async (c) => (await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])).rowCount,
  );
  if (exists) return name;
  const building = `${name}_build_${randomBytes(4).toString("hex")}`;
  await withAdmin((c) => c.query(`CREATE DATABASE "${building}"`));
  const db = await openDatabase({ databaseUrl: databaseUrl(building), dataDir: "", poolSize: 1 });
  try {
    await migrate(db);
  } finally {
    await db.close();
  }
  await withAdmin(async (c) => {
    try {
      await c.query(`ALTER DATABASE "${building}" RENAME TO "${name}"`);
    } catch {
      // another run finished the same template first
      await c.query(`DROP DATABASE IF EXISTS "${building}"`);
    }
  });
  return name;
}

/**
 * pg's Pool.end() resolves before its sockets are closed; dropping `WITH (FORCE)` at once would
 * kill them and pg would raise an uncaught FATAL 57P01. Wait for them to go first (bounded).
 */
async function dropDatabase(name: string): Promise<void> {
  await withAdmin(async (c) => {
    for (let i = 0; i < 100; i++) {
      const { rows } = await c.query(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1",
        [name],
      );
      if (rows[0]?.n === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
}

export interface TestDatabase extends Database {
  url: string;
  name: string;
  /** Closes the connections and drops the database. */
  dispose(): Promise<void>;
}

/** A fresh, migrated database of its own for one test file. */
export async function createTestDatabase(
  options: { poolSize?: number } = {},
): Promise<TestDatabase> {
  const template = await ensureTemplate();
  const name = `se_test_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  await withAdmin((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  const url = databaseUrl(name);
  const db = await openDatabase({ databaseUrl: url, dataDir: "", poolSize: options.poolSize ?? 5 });
  return {
    ...db,
    url,
    name,
    async dispose() {
      await db.close();
      await dropDatabase(name);
    },
  };
}

/** Creates an empty database (no migrations): for tests of the migration runner itself. */
export async function createEmptyDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `se_empty_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  await withAdmin((c) => c.query(`CREATE DATABASE "${name}"`));
  return {
    url: databaseUrl(name),
    drop: () =>
      withAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(
        () => undefined,
      ),
  };
}
