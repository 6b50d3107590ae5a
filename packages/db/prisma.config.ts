import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";

// Prisma's native engines cannot be downloaded here: the CLI runs on its WASM engine through
// the pg driver adapter (used only by `migrate diff`, which needs some reachable PostgreSQL).
export default defineConfig({
  schema: path.join(import.meta.dirname, "../../prisma/schema.prisma"),
  experimental: { adapter: true },
  engine: "js",
  adapter: async () =>
    new PrismaPg({
      connectionString:
        process.env.MIGRATE_DIFF_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres",
    }),
});
