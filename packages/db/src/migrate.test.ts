import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "./client.ts";
import { MigrationError, migrate, readMigrations } from "./migrate.ts";
import { MIGRATIONS_DIR } from "./schema-paths.ts";
import { writeMigrations } from "./testing/migration-files.ts";
import { createEmptyDatabase } from "./testing/test-db.ts";

interface Recorded {
  id: string;
  checksum: string;
  migration_name: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  applied_steps_count: number;
}

const opened: Database[] = [];
const drops: (() => Promise<void>)[] = [];
const dirs: string[] = [];

async function emptyDb(): Promise<{ url: string; db: Database }> {
  const empty = await createEmptyDatabase();
  drops.push(empty.drop);
  const db = await openDatabase({ databaseUrl: empty.url, dataDir: "", poolSize: 2 });
  opened.push(db);
  return { url: empty.url, db };
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "se-migrations-"));
  dirs.push(dir);
  return dir;
}

function recorded(db: Database): Promise<Recorded[]> {
  return db.withSql(
    async (sql) =>
      (await sql.query(
        `SELECT id, checksum, migration_name, finished_at, rolled_back_at, applied_steps_count
           FROM "_prisma_migrations" ORDER BY migration_name`,
      )) as unknown as Recorded[],
  );
}

function tableExists(db: Database, table: string): Promise<boolean> {
  return db.withSql(
    async (sql) => (await sql.query("SELECT to_regclass($1)::text AS t", [table]))[0]?.t !== null,
  );
}

afterEach(async () => {
  for (const db of opened.splice(0)) await db.close();
  for (const drop of drops.splice(0)) await drop();
});

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe("migrate on PostgreSQL", () => {
  it("applies the project's migrations in name order and records each as Prisma does", async () => {
    const { db } = await emptyDb();
    const files = await readMigrations();
    expect(files.length).toBeGreaterThan(0);

    const applied = await migrate(db);

    expect(applied).toEqual(files.map((f) => f.name));
    const rows = await recorded(db);
    expect(rows.map((r) => r.migration_name)).toEqual(applied);
    for (const row of rows) {
      const bytes = await readFile(path.join(MIGRATIONS_DIR, row.migration_name, "migration.sql"));
      expect(row.checksum).toBe(createHash("sha256").update(bytes).digest("hex"));
      expect(row.id).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
    // the tables exist and Prisma can use them
    expect(await db.prisma.user.count()).toBe(0);
  });

  it("applies nothing when run again", async () => {
    const { db } = await emptyDb();
    await migrate(db);
    const before = await recorded(db);

    expect(await migrate(db)).toEqual([]);
    expect(await recorded(db)).toEqual(before);
  });

  it("sorts by name, not by the order the folders were written in", async () => {
    const dir = await tempDir();
    // written newest first; each step depends on the previous one
    await writeMigrations(dir, {
      "20260103000000_third": `INSERT INTO steps (name) VALUES ('third');`,
      "20260102000000_second": `INSERT INTO steps (name) VALUES ('second');`,
      "20260101000000_first": `CREATE TABLE steps (n SERIAL PRIMARY KEY, name TEXT NOT NULL);
INSERT INTO steps (name) VALUES ('first');`,
    });
    const { db } = await emptyDb();

    expect(await migrate(db, dir)).toEqual([
      "20260101000000_first",
      "20260102000000_second",
      "20260103000000_third",
    ]);
    const steps = await db.withSql((sql) => sql.query("SELECT name FROM steps ORDER BY n"));
    expect(steps.map((s) => s.name)).toEqual(["first", "second", "third"]);
  });

  it("lets two runners start together: both succeed and each migration is applied once", async () => {
    const { url, db: first } = await emptyDb();
    const second = await openDatabase({ databaseUrl: url, dataDir: "", poolSize: 2 });
    opened.push(second);
    const names = (await readMigrations()).map((f) => f.name);

    const results = await Promise.all([migrate(first), migrate(second)]);

    // one of them applied everything, the other found nothing left to do
    expect(results.map((r) => r.length).sort()).toEqual([0, names.length]);
    const rows = await recorded(first);
    expect(rows.map((r) => r.migration_name)).toEqual(names);
  });

  it("rolls back a failing migration, records nothing for it and names the file and the error", async () => {
    const dir = await tempDir();
    await writeMigrations(dir, {
      "20260101000000_good": "CREATE TABLE good (id INT PRIMARY KEY);",
      "20260102000000_broken": `CREATE TABLE half_done (id INT PRIMARY KEY);
INSERT INTO good (id) VALUES (1);
SELECT no_such_function();`,
      "20260103000000_later": "CREATE TABLE later (id INT PRIMARY KEY);",
    });
    const { db } = await emptyDb();

    const error = await migrate(db, dir).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MigrationError);
    expect((error as Error).message).toContain("20260102000000_broken/migration.sql");
    expect((error as Error).message).toContain("function no_such_function() does not exist");
    expect(await tableExists(db, "good")).toBe(true);
    expect(await tableExists(db, "half_done")).toBe(false);
    expect(await tableExists(db, "later")).toBe(false);
    expect(await db.withSql((sql) => sql.query("SELECT * FROM good"))).toEqual([]);
    expect((await recorded(db)).map((r) => r.migration_name)).toEqual(["20260101000000_good"]);

    // once fixed, the runner goes on from there
    await writeMigrations(dir, {
      "20260102000000_broken": "CREATE TABLE half_done (id INT PRIMARY KEY);",
    });
    expect(await migrate(db, dir)).toEqual(["20260102000000_broken", "20260103000000_later"]);
  });

  it("refuses an applied migration whose file changed", async () => {
    const dir = await tempDir();
    await writeMigrations(dir, { "20260101000000_one": "CREATE TABLE one (id INT);" });
    const { db } = await emptyDb();
    await migrate(db, dir);

    await writeFile(
      path.join(dir, "20260101000000_one", "migration.sql"),
      "CREATE TABLE one (id BIGINT);",
    );
    await writeMigrations(dir, { "20260102000000_two": "CREATE TABLE two (id INT);" });

    await expect(migrate(db, dir)).rejects.toThrow(MigrationError);
    await expect(migrate(db, dir)).rejects.toThrow(/20260101000000_one was changed/);
    expect(await tableExists(db, "two")).toBe(false);
  });

  it("refuses to go on past a migration the Prisma CLI recorded as failed", async () => {
    const dir = await tempDir();
    await writeMigrations(dir, { "20260101000000_one": "CREATE TABLE one (id INT);" });
    const { db } = await emptyDb();
    await migrate(db, dir);
    await db.withSql((sql) =>
      sql.exec(`INSERT INTO "_prisma_migrations" (id, checksum, migration_name)
                VALUES ('00000000-0000-4000-8000-000000000000', 'x', '20260102000000_two')`),
    );
    await writeMigrations(dir, { "20260102000000_two": "CREATE TABLE two (id INT);" });

    await expect(migrate(db, dir)).rejects.toThrow(/20260102000000_two is recorded as started/);
  });
});

describe("the migration lock", () => {
  let db: Database;
  beforeEach(async () => {
    db = (await emptyDb()).db;
  });

  it("is released after a failure, so a later run can proceed", async () => {
    const dir = await tempDir();
    await writeMigrations(dir, { "20260101000000_bad": "SELECT no_such_function();" });
    await expect(migrate(db, dir)).rejects.toThrow(MigrationError);
    await writeMigrations(dir, { "20260101000000_bad": "SELECT 1;" });
    await expect(migrate(db, dir)).resolves.toEqual(["20260101000000_bad"]);
  });
});

describe("a migration that controls transactions itself", () => {
  it("is refused before anything runs, naming the file and the statements", async () => {
    const dir = await tempDir();
    await writeMigrations(dir, {
      "20260101000000_fine": "CREATE TABLE fine (id INT);",
      "20260102000000_own_tx": `BEGIN;
CREATE TABLE own_tx (id INT);
COMMIT;`,
    });
    const { db } = await emptyDb();

    const error = await migrate(db, dir).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MigrationError);
    expect((error as Error).message).toContain("20260102000000_own_tx/migration.sql");
    expect((error as Error).message).toContain("controls transactions itself (BEGIN, COMMIT)");
    expect(await tableExists(db, "fine")).toBe(false);
    expect(await tableExists(db, "own_tx")).toBe(false);
  });

  it("is accepted with savepoints, and with BEGIN inside a function body or a comment", async () => {
    const dir = await tempDir();
    await writeMigrations(dir, {
      "20260101000000_fine": `-- BEGIN; is only a comment here
CREATE TABLE fine (id INT);
SAVEPOINT before_insert;
INSERT INTO fine VALUES (1);
ROLLBACK TO SAVEPOINT before_insert;
RELEASE SAVEPOINT before_insert;
CREATE FUNCTION fine_count() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
  RETURN (SELECT count(*) FROM fine);
END;
$$;`,
    });
    const { db } = await emptyDb();

    expect(await migrate(db, dir)).toEqual(["20260101000000_fine"]);
    expect(await db.withSql((sql) => sql.query("SELECT fine_count() AS n"))).toEqual([{ n: "0" }]);
  });
});

describe("waiting for another process's migration", () => {
  it("gives up after the configured time, saying another process is migrating", async () => {
    const { url, db } = await emptyDb();
    const other = await openDatabase({ databaseUrl: url, dataDir: "", poolSize: 1 });
    opened.push(other);
    const dir = await tempDir();
    await writeMigrations(dir, { "20260101000000_one": "CREATE TABLE one (id INT);" });

    await other.withSql(async (holder) => {
      await holder.query("SELECT pg_advisory_lock(7345112001)");
      try {
        const started = Date.now();
        const error = await migrate(db, dir, { lockWaitMs: 300, lockPollMs: 50 }).catch(
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(MigrationError);
        expect((error as Error).message).toMatch(/Another process is migrating this database/);
        expect(Date.now() - started).toBeLessThan(5_000);
        expect(await tableExists(db, "one")).toBe(false);
      } finally {
        await holder.query("SELECT pg_advisory_unlock(7345112001)");
      }
    });

    // once the other process is done, the runner goes ahead
    expect(await migrate(db, dir, { lockWaitMs: 300, lockPollMs: 50 })).toEqual([
      "20260101000000_one",
    ]);
  });

  it("goes ahead as soon as the other process lets go within the time", async () => {
    const { url, db } = await emptyDb();
    const other = await openDatabase({ databaseUrl: url, dataDir: "", poolSize: 1 });
    opened.push(other);
    const dir = await tempDir();
    await writeMigrations(dir, { "20260101000000_one": "CREATE TABLE one (id INT);" });

    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const holding = other.withSql(async (holder) => {
      await holder.query("SELECT pg_advisory_lock(7345112001)");
      await released;
      await holder.query("SELECT pg_advisory_unlock(7345112001)");
    });
    const running = migrate(db, dir, { lockWaitMs: 10_000, lockPollMs: 20 });
    setTimeout(release, 100);

    expect(await running).toEqual(["20260101000000_one"]);
    await holding;
  });
});
