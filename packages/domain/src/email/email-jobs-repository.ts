import type { SqlQuery } from "@scripts-email/db";
import { BaseRepository, type Tx } from "../shared/base-repository.ts";
import { isoDay } from "../shared/time.ts";

interface LockedHosting {
  state: string;
  stateChangedAt: Date;
}

/** Batch jobs delete or update thousands of rows per transaction: more than the default 10 s. */
const BATCH_TIMEOUT_MS = 60_000;

/**
 * The statements of the hold, purge and release jobs (email-jobs.ts), which move a hosting's mail
 * in batches after a transition. Plain SQL like the panel's reads (email-read-repository.ts),
 * inside transactions of Prisma's, which bound each batch's time and which the final transition
 * of a purge shares with its alert.
 */
export class EmailJobsRepository extends BaseRepository {
  /**
   * Hostings with queued mail still to be marked held: blocked or purging ones, and active ones
   * whose script was held after its mail was queued. Mail released by hand (`released`) is never
   * held again. The held mail keeps its expiresAt (set at ingest) and is counted in the day's
   * held volume like mail held at ingest.
   */
  async hostingsWithQueuedMailToHold(): Promise<string[]> {
    const rows = await this.sql.query<{ id: string }>(
      `SELECT h.id::text AS id FROM "Hosting" h
        WHERE (h.state <> 'active' AND EXISTS (
                 SELECT 1 FROM "Message" m
                  WHERE m."hostingId" = h.id AND m.status = 'queued' AND NOT m.released))
           OR (h.state = 'active' AND cardinality(h."heldScripts") > 0 AND EXISTS (
                 SELECT 1 FROM "Message" m
                  WHERE m."hostingId" = h.id AND m.script = ANY(h."heldScripts")
                    AND m.status = 'queued' AND NOT m.released))`,
    );
    return rows.map((r) => r.id);
  }

  /**
   * Marks up to `batchSize` queued messages held, and counts them in the day's held mail: all
   * of a blocked (or purging) hosting's, only its held scripts' for an active one; never mail
   * released by hand. The hosting row is share-locked first, so its state and held scripts are
   * the ones in force. Returns null when the hosting is gone.
   */
  holdBatch(hostingId: string, batchSize: number, today: Date): Promise<number | null> {
    return this.transaction(
      async (tx) => {
        const q = this.sqlIn(tx);
        const hosting = await lockHosting(q, hostingId, "share");
        if (!hosting) return null;
        return changeAndCount(q, today, "held", {
          text: `UPDATE "Message" SET status = 'held' WHERE id IN (
                   SELECT m.id FROM "Message" m JOIN "Hosting" h ON h.id = m."hostingId"
                    WHERE m."hostingId" = $1::uuid AND m.status = 'queued' AND NOT m.released
                      AND (h.state <> 'active' OR m.script = ANY(h."heldScripts"))
                    LIMIT $2::int
                    FOR UPDATE OF m SKIP LOCKED)`,
          params: [hostingId, batchSize],
        });
      },
      { timeout: BATCH_TIMEOUT_MS },
    );
  }

  /**
   * Purges up to `batchSize` held messages accepted before the purge started and counts them in
   * today's DailyVolume.purged: their content is dropped and their rows stay, status `purged`
   * (listable until the retention job removes them, by their updatedAt). Rows another process is
   * purging are skipped, not waited for. Returns null when the hosting is no longer purging.
   */
  purgeBatch(hostingId: string, batchSize: number, now: Date): Promise<number | null> {
    return this.transaction(
      async (tx) => {
        const q = this.sqlIn(tx);
        const hosting = await lockHosting(q, hostingId, "share");
        if (hosting?.state !== "purging") return null;
        return changeAndCount(q, now, "purged", {
          text: `UPDATE "Message" SET status = 'purged', raw = NULL, "updatedAt" = $4::timestamptz
                  WHERE id IN (
                   SELECT id FROM "Message"
                    WHERE "hostingId" = $1::uuid AND status IN ('held', 'queued')
                      AND "acceptedAt" <= $3::timestamptz
                    LIMIT $2::int
                    FOR UPDATE SKIP LOCKED)`,
          params: [hostingId, batchSize, hosting.stateChangedAt.toISOString(), now.toISOString()],
        });
      },
      { timeout: BATCH_TIMEOUT_MS },
    );
  }

  /**
   * Locks a purging hosting for its final transition. Returns the purge start when nothing is
   * left to purge (rows still locked by another purger count as left), else null.
   */
  async lockFinishedPurge(tx: Tx, hostingId: string): Promise<Date | null> {
    const q = this.sqlIn(tx);
    const hosting = await lockHosting(q, hostingId, "update");
    if (hosting?.state !== "purging") return null;
    const left = await q.query(
      `SELECT 1 FROM "Message"
        WHERE "hostingId" = $1::uuid AND status IN ('held', 'queued')
          AND "acceptedAt" <= $2::timestamptz
        LIMIT 1`,
      [hostingId, hosting.stateChangedAt.toISOString()],
    );
    return left.length === 0 ? hosting.stateChangedAt : null;
  }

  /**
   * How many messages the purge that started at `startedAt` purged: those accepted before it and
   * purged since (by the (hostingId, status, acceptedAt) index).
   */
  async purgedSince(tx: Tx, hostingId: string, startedAt: Date): Promise<number> {
    const [row] = await this.sqlIn(tx).query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "Message"
        WHERE "hostingId" = $1::uuid AND status = 'purged'
          AND "acceptedAt" <= $2::timestamptz AND "updatedAt" >= $2::timestamptz`,
      [hostingId, startedAt.toISOString()],
    );
    return row?.n ?? 0;
  }

  /**
   * Active hostings that still have held mail to release: only those whose kept count says they
   * hold some are probed (the scheduler asks every few seconds, whatever the number of hostings).
   */
  async hostingsWithHeldMail(now: Date): Promise<string[]> {
    const rows = await this.sql.query<{ id: string }>(
      `SELECT h.id::text AS id FROM "Hosting" h JOIN "QueueCount" q ON q."hostingId" = h.id
        WHERE h.state = 'active' AND q.held > 0 AND EXISTS (
          SELECT 1 FROM "Message" m
           WHERE m."hostingId" = h.id AND m.status = 'held' AND NOT m.spam
             AND m."expiresAt" > $1::timestamptz
             AND NOT (m.script = ANY(COALESCE(h."heldScripts", '{}'))))`,
      [now.toISOString()],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Makes up to `batchSize` held messages of an active hosting due now, oldest first. Expired
   * mail is left to the expiry sweep, and a held script's mail stays held (released only by
   * hand), as does mail flagged as spam (deleted, expired, or released by support with a reason:
   * an unblock never sends it). Returns null when the hosting is no longer active.
   */
  releaseBatch(hostingId: string, batchSize: number, now: Date): Promise<number | null> {
    return this.transaction(
      async (tx) => {
        const q = this.sqlIn(tx);
        // A block waits for this transaction (and vice versa), so a block never misses
        // mail that was released while it ran.
        const hosting = await lockHosting(q, hostingId, "share");
        if (hosting?.state !== "active") return null;
        const [row] = await q.query<{ n: number }>(
          `WITH released AS (
             UPDATE "Message"
                SET status = 'queued', "nextAttemptAt" = "acceptedAt", "updatedAt" = $2::timestamptz
              WHERE id IN (
                SELECT id FROM "Message"
                 WHERE "hostingId" = $1::uuid AND status = 'held' AND NOT spam
                   AND "expiresAt" > $2::timestamptz
                   AND NOT (script = ANY(
                     SELECT unnest("heldScripts") FROM "Hosting" WHERE id = $1::uuid))
                 ORDER BY "acceptedAt" ASC, id ASC
                 LIMIT $3::int
                 FOR UPDATE SKIP LOCKED)
             RETURNING 1)
           SELECT count(*)::int AS n FROM released`,
          [hostingId, now.toISOString(), batchSize],
        );
        return row?.n ?? 0;
      },
      { timeout: BATCH_TIMEOUT_MS },
    );
  }
}

async function lockHosting(
  q: SqlQuery,
  hostingId: string,
  mode: "share" | "update",
): Promise<LockedHosting | null> {
  // Share locks let several purgers/releasers work on one hosting at once, while a transition
  // (which updates the row) waits for them and they wait for it. The mode is a closed union.
  const [row] = await q.query<LockedHosting>(
    `SELECT state::text AS state, "stateChangedAt" FROM "Hosting"
      WHERE id = $1::uuid FOR ${mode === "share" ? "SHARE" : "UPDATE"}`,
    [hostingId],
  );
  return row ? { state: row.state, stateChangedAt: new Date(row.stateChangedAt) } : null;
}

/**
 * Runs `change` (an UPDATE or DELETE of one hosting's messages, the hosting's id its `$1`) and
 * adds the rows it touched to the day's `column`, in one statement: the day's counter is locked
 * (in a CTE) before the statement's trigger locks the queue count, the order every writer follows
 * (see the migration queue_counts). Returns how many rows it touched. Also used by the selective
 * delete (selection/selection-repository.ts).
 */
export async function changeAndCount(
  q: SqlQuery,
  today: Date,
  column: "held" | "purged",
  change: { text: string; params: unknown[] },
): Promise<number> {
  const day = `$${change.params.length + 1}::date`;
  // the column name comes from a closed union, never from input
  const [row] = await q.query<{ n: number }>(
    `WITH changed AS (${change.text} RETURNING 1),
     n AS (SELECT count(*)::int AS n FROM changed),
     counted AS (
       INSERT INTO "DailyVolume" ("hostingId", day, "${column}")
       SELECT $1::uuid, ${day}, n FROM n WHERE n > 0
       ON CONFLICT ("hostingId", day) DO UPDATE
         SET "${column}" = "DailyVolume"."${column}" + EXCLUDED."${column}")
     SELECT n FROM n`,
    [...change.params, isoDay(today)],
  );
  return row?.n ?? 0;
}
