import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Database, openDatabase } from "./client.ts";
import { DatabaseInUseError } from "./data-lock.ts";
import { MigrationError, migrate, readMigrations } from "./migrate.ts";
import { MIGRATIONS_DIR } from "./schema-paths.ts";
import { seedEmbeddedDataDir } from "./testing/embedded-template.ts";
import { writeMigrations } from "./testing/migration-files.ts";

// One folder for the whole file, the steps in order; it starts as a copy of a new one (creating
// a folder is main.test's, in apps/server).
const START = 60_000;

let root: string;
let dataDir: string;
let migrations: string;
let db: Database | undefined;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "se-embedded-"));
  dataDir = path.join(root, "data");
  migrations = path.join(root, "migrations");
  await cp(MIGRATIONS_DIR, migrations, { recursive: true });
  await seedEmbeddedDataDir(dataDir);
});

afterAll(async () => {
  await db?.close();
  await rm(root, { recursive: true, force: true });
});

it(
  "rolls back a failing migration on PGlite too",
  async () => {
    await writeMigrations(migrations, {
      "99990101000000_broken": `CREATE TABLE half_done (id INT);
SELECT no_such_function();`,
    });
    db = await openDatabase({ dataDir });
    expect(db.kind).toBe("embedded");

    const error = await migrate(db, migrations).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MigrationError);
    expect((error as Error).message).toMatch(
      /99990101000000_broken\/migration\.sql failed: .*no_such_function/,
    );
    const rows = await db.withSql((sql) =>
      sql.query(`SELECT migration_name, applied_steps_count FROM "_prisma_migrations" ORDER BY 1`),
    );
    expect(rows).toEqual(
      (await readMigrations()).map((f) => ({ migration_name: f.name, applied_steps_count: 1 })),
    );
    const halfDone = await db.withSql((sql) =>
      sql.query("SELECT to_regclass('half_done')::text AS t"),
    );
    expect(halfDone).toEqual([{ t: null }]);
    await rm(path.join(migrations, "99990101000000_broken"), { recursive: true });
  },
  START,
);

it(
  "keeps its data in DATA_DIR across a restart",
  async () => {
    if (!db) throw new Error("the previous step did not open the database");
    expect(await migrate(db, migrations)).toEqual([]);
    await db.prisma.user.create({
      data: { email: "kept@example.org", passwordHash: "x", role: "support" },
    });
    await db.close();
    db = undefined;

    db = await openDatabase({ dataDir });
    expect(await migrate(db)).toEqual([]);
    const user = await db.prisma.user.findUnique({ where: { email: "kept@example.org" } });
    expect(user?.role).toBe("support");
  },
  START,
);

it(
  "refuses a second opening of the same folder while it is open",
  async () => {
    await expect(openDatabase({ dataDir })).rejects.toThrow(DatabaseInUseError);
    await expect(openDatabase({ dataDir })).rejects.toThrow(`process ${process.pid}`);
  },
  START,
);
