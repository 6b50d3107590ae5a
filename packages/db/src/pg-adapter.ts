import { PrismaPg } from "@prisma/adapter-pg";
import type pg from "pg";

interface PgTx {
  executeRaw(query: { sql: string }): Promise<number>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  client: pg.PoolClient;
  cleanup?: () => void;
}

/**
 * Prisma 6.19's client engine ends a transaction with `executeRaw("COMMIT"|"ROLLBACK")` and only
 * then calls the adapter's commit()/rollback(), which give the connection back to the pool. When
 * the database went away mid-transaction the first step throws, the second never runs, and the
 * connection stays checked out for ever: every PostgreSQL restart under load would shrink the
 * pool until nothing works. Here a failed COMMIT/ROLLBACK destroys its connection at once.
 */
function releaseOnFailedEnd(tx: PgTx): PgTx {
  let released = false;
  const release = (error?: Error) => {
    if (released) return false;
    released = true;
    tx.cleanup?.();
    tx.client.release(error);
    return true;
  };
  const executeRaw = tx.executeRaw.bind(tx);
  tx.executeRaw = async (query) => {
    try {
      return await executeRaw(query);
    } catch (error) {
      if (/^\s*(COMMIT|ROLLBACK)\s*$/i.test(query.sql)) release(error as Error);
      throw error;
    }
  };
  tx.commit = async () => {
    release();
  };
  tx.rollback = async () => {
    release();
  };
  return tx;
}

export function createPgAdapter(pool: pg.Pool): PrismaPg {
  const factory = new PrismaPg(pool);
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    const start = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (...args) =>
      releaseOnFailedEnd((await start(...args)) as unknown as PgTx) as never;
    return adapter;
  };
  return factory;
}
