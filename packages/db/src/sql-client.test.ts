import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prismaSqlClient, type SqlClient, statementNames } from "./sql-client.ts";
import { createTestDatabase, type TestDatabase } from "./testing/test-db.ts";

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 2 });
  await db.sql.query("CREATE TABLE probe (id int PRIMARY KEY, body bytea, tags text[])");
});

afterAll(async () => {
  await db?.dispose();
});

// The hot paths run on node-postgres on PostgreSQL and through Prisma on the embedded database:
// both must answer the same shapes and keep the same transaction semantics.
const clients: Array<[string, () => SqlClient]> = [
  ["node-postgres", () => db.sql],
  ["Prisma raw queries", () => prismaSqlClient(db.prisma)],
];

describe.each(clients)("%s", (_name, client) => {
  it("binds bytes, arrays with nulls and ISO times, and answers the same shapes", async () => {
    const body = Buffer.from([0, 1, 2, 255, 10, 13]);
    const rows = await client().query<Record<string, unknown>>(
      `SELECT length($1::bytea)::int AS n, $1::bytea AS body,
              array_length($2::text[], 1)::int AS len, ($2::text[])[2] IS NULL AS second_null,
              $3::timestamptz AS at, $4::uuid::text AS id`,
      [body, ["a", null, "c"], "2026-03-10T11:00:00.000Z", "0192f3e0-0000-7000-8000-000000000001"],
    );
    const row = rows[0] ?? {};
    expect(row.n).toBe(6);
    expect(Buffer.from(row.body as Uint8Array)).toEqual(body);
    expect(row.len).toBe(3);
    expect(row.second_null).toBe(true);
    expect((row.at as Date).toISOString()).toBe("2026-03-10T11:00:00.000Z");
    expect(row.id).toBe("0192f3e0-0000-7000-8000-000000000001");
  });

  it("commits a transaction that resolves and rolls back one that throws", async () => {
    const c = client();
    await c.query("DELETE FROM probe");
    await c.transaction(async (tx) => {
      await tx.query("INSERT INTO probe (id, tags) VALUES (1, $1::text[])", [["x", "y"]]);
    });
    const failure = await c
      .transaction(async (tx) => {
        await tx.query("INSERT INTO probe (id) VALUES (2)");
        throw new Error("changed my mind");
      })
      .catch((e: unknown) => e);
    expect((failure as Error).message).toBe("changed my mind");
    expect(await c.query("SELECT id, tags FROM probe ORDER BY id")).toEqual([
      { id: 1, tags: ["x", "y"] },
    ]);
  });

  it("rolls back on a failed statement and leaves every connection usable", async () => {
    const c = client();
    for (let i = 0; i < 4; i++) {
      await expect(
        c.transaction(async (tx) => {
          await tx.query("INSERT INTO probe (id) VALUES (10)");
          await tx.query("INSERT INTO probe (id) VALUES (10)"); // duplicate key
        }),
      ).rejects.toThrow();
    }
    expect(await c.query("SELECT count(*)::int AS n FROM probe WHERE id = 10")).toEqual([{ n: 0 }]);
    // a pool of 2: a connection left inside a transaction or checked out would show here
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        c.transaction((tx) => tx.query<{ i: number }>("SELECT $1::int AS i", [i])),
      ),
    );
    expect(answers.map((r) => r[0]?.i)).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe("node-postgres statements", () => {
  it("are prepared once per connection when asked, and planned generically once that is as cheap", async () => {
    const hot = "SELECT id FROM probe WHERE id = $1::int";
    const other = "SELECT id FROM probe WHERE id = $1::int + 0";
    const prepared = await db.sql.transaction(async (tx) => {
      for (let i = 0; i < 8; i++) {
        await tx.query(hot, [i], { prepare: true });
        await tx.query(other, [i]);
      }
      return tx.query<{ statement: string; name: string; generic: number }>(
        `SELECT statement, name, generic_plans::int AS generic
           FROM pg_prepared_statements WHERE statement IN ($1, $2)`,
        [hot, other],
      );
    });
    // the panel's reads (no `prepare`) keep a plan of their own for each run
    expect(prepared.map((p) => p.statement)).toEqual([hot]);
    expect(prepared[0]?.name).toMatch(/^se_\d+$/);
    // five custom plans, then the cached generic plan (no planning at all)
    expect(prepared[0]?.generic).toBeGreaterThan(0);
  });

  it("names a bounded number of texts, then runs the rest unnamed", () => {
    const nameOf = statementNames(2);
    expect([nameOf("a"), nameOf("b"), nameOf("a"), nameOf("c")]).toEqual([
      "se_0",
      "se_1",
      "se_0",
      undefined,
    ]);
  });
});
