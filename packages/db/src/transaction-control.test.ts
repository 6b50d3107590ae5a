import { describe, expect, it } from "vitest";
import { transactionControlStatements } from "./transaction-control.ts";

describe("transactionControlStatements", () => {
  it("finds statements that open or end a transaction, in any case", () => {
    expect(
      transactionControlStatements(`begin;
CREATE TABLE a (id INT);
Commit;
START TRANSACTION ISOLATION LEVEL SERIALIZABLE;
ROLLBACK;
END;
ABORT;
PREPARE TRANSACTION 'x';
COMMIT AND CHAIN`),
    ).toEqual([
      "BEGIN",
      "COMMIT",
      "START TRANSACTION",
      "ROLLBACK",
      "END",
      "ABORT",
      "PREPARE TRANSACTION",
      "COMMIT",
    ]);
  });

  it("leaves savepoints alone: they stay inside the runner's transaction", () => {
    expect(
      transactionControlStatements(
        "SAVEPOINT s; RELEASE SAVEPOINT s; ROLLBACK TO SAVEPOINT s; ROLLBACK TO s; RELEASE s;",
      ),
    ).toEqual([]);
  });

  it("ignores comments, strings, quoted names and dollar-quoted bodies", () => {
    const sql = `-- COMMIT;
/* BEGIN; /* nested */ COMMIT; */
INSERT INTO t (note) VALUES ('it''s; COMMIT; here'), (E'a\\'; COMMIT;');
CREATE TABLE "x;commit" ("begin" INT);
DO $body$ BEGIN PERFORM 1; END $body$;
CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
  RETURN 1;
END;
$$;
SELECT $1::text;`;
    expect(transactionControlStatements(sql)).toEqual([]);
  });

  it("reads a SQL-standard function body (BEGIN ATOMIC … END) as part of its statement", () => {
    const sql = `CREATE FUNCTION g(x int) RETURNS int LANGUAGE sql
BEGIN ATOMIC
  SELECT CASE WHEN x > 0 THEN 1 ELSE 0 END;
  SELECT 2;
END;
COMMIT;`;
    expect(transactionControlStatements(sql)).toEqual(["COMMIT"]);
  });
});
