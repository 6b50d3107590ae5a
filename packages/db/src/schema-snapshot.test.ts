import { readFile } from "node:fs/promises";
import path from "node:path";
import { expect, it } from "vitest";
import { readMigrations } from "./migrate.ts";
import { LATEST_SCHEMA, MIGRATIONS_DIR, SCHEMA } from "./schema-paths.ts";

it("has a migration for every change of prisma/schema.prisma", async () => {
  const [schema, latest] = await Promise.all([
    readFile(SCHEMA, "utf8"),
    readFile(LATEST_SCHEMA, "utf8"),
  ]);
  if (schema !== latest) {
    expect.fail(
      "prisma/schema.prisma differs from prisma/migrations/latest-schema.prisma (the schema the latest migration produces): the schema was changed without a migration. Run `pnpm db:migration <name>`, review the SQL it writes, and commit both.",
    );
  }
});

it("keeps the migrations folder in the shape Prisma expects", async () => {
  const lock = await readFile(path.join(MIGRATIONS_DIR, "migration_lock.toml"), "utf8");
  expect(lock).toMatch(/^provider = "postgresql"$/m);
  for (const file of await readMigrations()) {
    expect(file.name).toMatch(/^\d{14}_[a-z0-9_]+$/);
    expect(file.sql.trim()).not.toBe("");
  }
});
