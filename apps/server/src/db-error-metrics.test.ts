import { type Database, databaseErrorKind, openDatabase } from "@scripts-email/db";
import { createTestDatabase, type TestDatabase } from "@scripts-email/db/testing";
import { freePort } from "@scripts-email/harness/ports";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDbErrorMetrics } from "./db-error-metrics.ts";

// scripts_email_db_errors_total over a real PostgreSQL: what the operator's database alert
// (deploy/prometheus/scripts-email-rules.yml) watches. Both ways to the database count: Prisma
// (through its pg adapter) and db.sql, in and out of transactions.
let test: TestDatabase;
let db: Database;
const registry = new Registry();
const onError = createDbErrorMetrics(registry);

beforeAll(async () => {
  test = await createTestDatabase();
  db = await openDatabase({ databaseUrl: test.url, dataDir: "", poolSize: 2, onError });
});
afterAll(async () => {
  await db?.close();
  await test?.dispose();
});

async function count(kind: string): Promise<number> {
  const text = await registry.getSingleMetricAsString("scripts_email_db_errors_total");
  const line = text
    .split("\n")
    .find((l) => l.startsWith(`scripts_email_db_errors_total{kind="${kind}"} `));
  if (!line) throw new Error(`no kind ${kind} in:\n${text}`);
  return Number(line.split(" ")[1]);
}

describe("scripts_email_db_errors_total", () => {
  it("shows every kind from the start and counts nothing for calls that succeed", async () => {
    await db.sql.query("SELECT 1");
    await db.prisma.$queryRawUnsafe("SELECT 1");
    await db.sql.transaction((tx) => tx.query("SELECT 1"));
    expect([await count("connection"), await count("query"), await count("constraint")]).toEqual([
      0, 0, 0,
    ]);
  });

  it("counts failed statements by kind, whichever way they went, and still fails them", async () => {
    await expect(db.sql.query('SELECT "noSuchColumn" FROM "Hosting"')).rejects.toThrow(/noSuch/);
    await expect(db.prisma.$queryRawUnsafe("SELECT 1/0")).rejects.toThrow(/division by zero/);
    expect(await count("query")).toBe(2);
    await expect(
      db.sql.transaction(async (tx) => {
        await tx.query("CREATE TEMP TABLE twice (id int PRIMARY KEY)");
        await tx.query("INSERT INTO twice VALUES (1), (1)");
      }),
    ).rejects.toThrow(/duplicate key/);
    expect(await count("constraint")).toBe(1);
    expect(await count("connection")).toBe(0);
  });

  it("counts a database that cannot be reached as a connection error", async () => {
    const down = await openDatabase({
      databaseUrl: `postgresql://postgres@127.0.0.1:${await freePort()}/nowhere`,
      dataDir: "",
      onError,
    });
    try {
      await expect(down.sql.query("SELECT 1")).rejects.toThrow();
      await expect(down.prisma.$queryRawUnsafe("SELECT 1")).rejects.toThrow();
      expect(await count("connection")).toBe(2);
    } finally {
      await down.close();
    }
  });

  it("tells the kinds apart by SQLSTATE", () => {
    expect(databaseErrorKind({ code: "ECONNRESET" })).toBe("connection");
    expect(databaseErrorKind(new Error("Connection terminated unexpectedly"))).toBe("connection");
    expect(databaseErrorKind({ code: "08006" })).toBe("connection");
    expect(databaseErrorKind({ code: "57P01" })).toBe("connection");
    expect(databaseErrorKind({ code: "57014" })).toBe("query");
    expect(databaseErrorKind({ code: "53100" })).toBe("query");
    expect(databaseErrorKind({ code: "23505" })).toBe("constraint");
  });
});
