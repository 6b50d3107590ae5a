// Fixtures of the selection tests: messages with the fields a filter reads, and the counts kept.
import type { TestDatabase } from "@scripts-email/db/testing";
import { insertMessages, type MessageSeed } from "../shared/test-fixtures.ts";

export interface SelectionSeed extends MessageSeed {
  script?: string;
  spam?: boolean;
  sender?: string;
}

/** Inserts `count` messages and sets the fields insertMessages does not; returns their ids. */
export async function insertSelectable(
  db: TestDatabase,
  hostingId: string,
  count: number,
  seed: SelectionSeed = {},
): Promise<string[]> {
  const ids = await insertMessages(db, hostingId, count, seed);
  await db.sql.query(
    `UPDATE "Message" SET script = $2, spam = $3, "envelopeFrom" = $4,
                          raw = '\\x00'::bytea,
                          "nextAttemptAt" = CASE WHEN status = 'queued' THEN "acceptedAt" END
      WHERE id = ANY($1::uuid[])`,
    [ids, seed.script ?? "smtp", seed.spam ?? false, seed.sender ?? "www-data@example.org"],
  );
  return ids;
}

/** One hosting's kept queue counts (what the panel shows). */
export async function queueCount(
  db: TestDatabase,
  hostingId: string,
): Promise<{ held: number; queued: number }> {
  const [row] = await db.sql.query<{ held: number; queued: number }>(
    `SELECT held, queued FROM "QueueCount" WHERE "hostingId" = $1::uuid`,
    [hostingId],
  );
  return row ?? { held: 0, queued: 0 };
}

/** The day's purged count of a hosting. */
export async function purgedOn(db: TestDatabase, hostingId: string, day: string): Promise<number> {
  const [row] = await db.sql.query<{ purged: number }>(
    `SELECT purged FROM "DailyVolume" WHERE "hostingId" = $1::uuid AND day = $2::date`,
    [hostingId, day],
  );
  return row?.purged ?? 0;
}
