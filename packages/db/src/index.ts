export type { Prisma } from "@prisma/client";
export { Prisma as PrismaNamespace } from "@prisma/client";
export type { Database, DatabaseOptions, Db } from "./client.ts";
export { openDatabase } from "./client.ts";
export { MigrationError, migrate, readMigrations } from "./migrate.ts";
