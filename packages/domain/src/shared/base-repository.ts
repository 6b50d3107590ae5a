import {
  type Database,
  type Prisma,
  type PrismaClient,
  prismaQuery,
  type QueryOptions,
  type SqlClient,
  type SqlQuery,
} from "@scripts-email/db";

/** A client inside an interactive transaction; every repository method accepts one. */
export type Tx = Prisma.TransactionClient;

/**
 * For the statements the ingest and the delivery worker run per message or per batch (the hot
 * path): kept prepared on each connection (see @scripts-email/db sql-client.ts statementNames).
 */
export const PREPARED: QueryOptions = { prepare: true };

export interface TransactionOptions {
  /** Milliseconds; batch jobs need more than Prisma's default 5 s. */
  timeout?: number;
}

export abstract class BaseRepository {
  constructor(protected readonly database: Pick<Database, "prisma" | "sql">) {}

  protected get db(): PrismaClient {
    return this.database.prisma;
  }

  /** Plain SQL, for the hot paths only (see @scripts-email/db sql-client.ts). */
  protected get sql(): SqlClient {
    return this.database.sql;
  }

  /** Plain SQL inside the caller's transaction when given one, else `sql`. */
  protected sqlIn(tx?: Tx): SqlQuery {
    return tx ? prismaQuery(tx) : this.sql;
  }

  protected client(tx?: Tx): Tx | PrismaClient {
    return tx ?? this.db;
  }

  transaction<T>(fn: (tx: Tx) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    return this.db.$transaction(fn, { maxWait: 10_000, timeout: options.timeout ?? 10_000 });
  }
}
