import path from "node:path";

const PRISMA_DIR = path.resolve(import.meta.dirname, "../../../prisma");
export const SCHEMA = path.join(PRISMA_DIR, "schema.prisma");
export const MIGRATIONS_DIR = path.join(PRISMA_DIR, "migrations");
/** The schema that the latest migration produces; differs from SCHEMA only while a migration is missing. */
export const LATEST_SCHEMA = path.join(MIGRATIONS_DIR, "latest-schema.prisma");
