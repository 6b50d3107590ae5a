// Prisma's generated client, types and enums: only this package and *-repository.ts files use them.
export * from "@prisma/client";
export type { Database, DatabaseOptions } from "./client.ts";
export { embeddedFolder, openDatabase } from "./client.ts";
export { DatabaseInUseError } from "./data-lock.ts";
export type { DatabaseErrorKind } from "./error-count.ts";
export { DATABASE_ERROR_KINDS, databaseErrorKind } from "./error-count.ts";
export type { MigrationFile } from "./migrate.ts";
export { MigrationError, migrate, readMigrations } from "./migrate.ts";
export type { QueryOptions, SqlClient, SqlQuery } from "./sql-client.ts";
export { prismaQuery } from "./sql-client.ts";
export type { ModelColumns, ModelRow } from "./sql-columns.ts";
export { modelColumns, scalarFields } from "./sql-columns.ts";
export type { SqlRunner } from "./sql-runner.ts";
