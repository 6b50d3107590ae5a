import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createTestDatabase, type TestDatabase } from "@scripts-email/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_SCRIPT_LENGTH, SCRIPT_SQL, scriptOf } from "./script-name.ts";

describe("scriptOf", () => {
  it("drops PHP's uid, keeping the file or its path", () => {
    expect(scriptOf("1000:contact.php", "sendmail")).toBe("contact.php");
    expect(scriptOf("33:/var/www/site/wp-content/plugins/x/send.php", "smtp")).toBe(
      "/var/www/site/wp-content/plugins/x/send.php",
    );
    // only a leading run of digits followed by a colon is a uid
    expect(scriptOf("a1000:contact.php", "smtp")).toBe("a1000:contact.php");
    expect(scriptOf("C:/site/form.php", "smtp")).toBe("C:/site/form.php");
    expect(scriptOf("/srv/x:1000:y.php", "smtp")).toBe("/srv/x:1000:y.php");
  });

  it("is the submission kind when there is no script, or only a uid or blanks", () => {
    expect(scriptOf(null, "smtp")).toBe("smtp");
    expect(scriptOf("", "sendmail")).toBe("sendmail");
    expect(scriptOf("1000:", "panel")).toBe("panel");
    expect(scriptOf("1000:   ", "system")).toBe("system");
  });

  it("trims blanks, cuts long names to whole characters and makes them storable", () => {
    expect(scriptOf("1000:  form.php ", "smtp")).toBe("form.php");
    const long = `/${"é".repeat(300)}`;
    expect(scriptOf(`1:${long}`, "smtp")).toBe(long.slice(0, MAX_SCRIPT_LENGTH));
    // an astral character is one character, never half of one
    const astral = scriptOf(`1:${"😀".repeat(300)}`, "smtp");
    expect([...astral]).toHaveLength(MAX_SCRIPT_LENGTH);
    expect(astral).toBe("😀".repeat(MAX_SCRIPT_LENGTH));
    expect(scriptOf("1:a\0b", "smtp")).toBe("a\uFFFDb");
  });
});

describe("SCRIPT_SQL", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.dispose();
  });

  const samples: Array<[string | null, "smtp" | "sendmail" | "panel" | "system"]> = [
    ["1000:contact.php", "sendmail"],
    ["33:/var/www/site/wp-content/plugins/x/send.php", "smtp"],
    ["a1000:contact.php", "smtp"],
    ["/srv/x:1000:y.php", "smtp"],
    [null, "smtp"],
    ["", "sendmail"],
    ["1000:", "panel"],
    ["1000:   ", "system"],
    ["1000:  form.php ", "smtp"],
    [`1:/${"é".repeat(300)}`, "smtp"],
    [`1:${"😀".repeat(300)}`, "sendmail"],
  ];

  it("gives what scriptOf gives, for the rows that only have the two columns", async () => {
    const rows = await db.sql.query<{ script: string }>(
      `SELECT ${SCRIPT_SQL} AS script
         FROM unnest($1::text[], $2::"MessageSource"[]) WITH ORDINALITY
              AS m("originatingScript", source, n)
        ORDER BY n`,
      [samples.map(([s]) => s), samples.map(([, source]) => source)],
    );
    expect(rows.map((r) => r.script)).toEqual(samples.map(([s, source]) => scriptOf(s, source)));
  });

  it("is what the migration script_rule set existing rows with", async () => {
    const file = path.join(
      fileURLToPath(new URL("../../../../prisma/migrations", import.meta.url)),
      "20261130233000_script_rule",
      "migration.sql",
    );
    const sql = await readFile(file, "utf8");
    expect(sql.split(SCRIPT_SQL)).toHaveLength(3); // the value set, and the rows it changes
  });
});
