// Creates prisma/migrations/<UTC timestamp>_<name>/migration.sql from the difference between the
// schema the latest migration produces (kept in latest-schema.prisma) and prisma/schema.prisma.
// Usage: pnpm db:migration <name>
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { LATEST_SCHEMA, SCHEMA } from "../src/schema-paths.ts";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: pnpm db:migration <name>   (lower-case letters, digits and _)");
  process.exit(64);
}
const from = existsSync(LATEST_SCHEMA)
  ? ["--from-schema-datamodel", LATEST_SCHEMA]
  : ["--from-empty"];
const sql = execFileSync(
  "pnpm",
  ["exec", "prisma", "migrate", "diff", ...from, "--to-schema-datamodel", SCHEMA, "--script"],
  {
    cwd: path.resolve(import.meta.dirname, ".."),
    env: {
      ...process.env,
      CHECKPOINT_DISABLE: "1",
      PRISMA_HIDE_UPDATE_MESSAGE: "1",
      DATABASE_URL: process.env.DATABASE_URL ?? "postgresql://localhost/unused",
    },
    encoding: "utf8",
  },
);
if (!/\S/.test(sql.replace(/^--.*$/gm, ""))) {
  console.error("prisma/schema.prisma has no change since the latest migration.");
  process.exit(1);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const folder = path.join(path.dirname(LATEST_SCHEMA), `${stamp}_${name}`);
mkdirSync(folder, { recursive: true });
writeFileSync(path.join(folder, "migration.sql"), sql);
copyFileSync(SCHEMA, LATEST_SCHEMA);
console.log(
  `Wrote ${path.relative(process.cwd(), folder)}/migration.sql: review it before committing.`,
);
