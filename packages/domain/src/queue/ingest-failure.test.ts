import { createTestDatabase, type TestDatabase } from "@scripts-email/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isPermanentDataError, isStoreFailure, sqlState } from "./ingest-failure.ts";

// The errors as the drivers really raise them: node-postgres (the hot path on PostgreSQL) and
// Prisma's raw queries (the embedded database's path).
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 2 });
});
afterAll(async () => {
  await db?.dispose();
});

const failure = (run: () => Promise<unknown>) =>
  run().then(
    () => {
      throw new Error("expected a failure");
    },
    (error: unknown) => error,
  );

describe("ingest failures", () => {
  it("reads the SQLSTATE of a refused value from either driver: permanent, not a store failure", async () => {
    const plain = await failure(() => db.sql.query("SELECT 'x'::int"));
    const prisma = await failure(() => db.prisma.$queryRawUnsafe("SELECT 'x'::int"));
    const nul = await failure(() => db.sql.query("SELECT $1::text", ["a\0b"]));
    for (const error of [plain, prisma]) {
      expect(sqlState(error)).toBe("22P02");
      expect(isPermanentDataError(error)).toBe(true);
      expect(isStoreFailure(error)).toBe(false);
    }
    expect(sqlState(nul)).toBe("22021");
    expect(isPermanentDataError(nul)).toBe(true);
  });

  it("counts a lost connection or an unreachable server as the store's failure, never permanent", async () => {
    const killed = await failure(() =>
      db.sql.transaction((q) => q.query("SELECT pg_terminate_backend(pg_backend_pid())")),
    );
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), {
      code: "ECONNREFUSED",
    });
    const terminated = new Error("Connection terminated unexpectedly");
    for (const error of [killed, refused, terminated]) {
      expect(isStoreFailure(error)).toBe(true);
      expect(isPermanentDataError(error)).toBe(false);
    }
    const deadlock = Object.assign(new Error("deadlock detected"), { code: "40P01" });
    expect(isStoreFailure(deadlock)).toBe(false); // worth splitting the batch, and transient
    expect(isPermanentDataError(deadlock)).toBe(false);
  });
});
