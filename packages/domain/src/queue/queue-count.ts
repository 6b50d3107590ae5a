import type { SqlQuery } from "@scripts-email/db";

/**
 * The hostings whose kept queue counts (QueueCount, maintained by triggers on Message: see the
 * migration queue_counts) differ from their messages (the view QueueCountOfMessages), one line
 * each; empty when they agree. It reads every waiting message, so it is a check for tests and
 * the chaos runs, never a page's read.
 */
export async function queueCountDrift(sql: SqlQuery): Promise<string[]> {
  const rows = await sql.query<{
    hostingId: string;
    keptHeld: number;
    keptQueued: number;
    held: number;
    queued: number;
  }>(
    `SELECT COALESCE(a."hostingId", k."hostingId")::text AS "hostingId",
            COALESCE(k.held, 0) AS "keptHeld", COALESCE(k.queued, 0) AS "keptQueued",
            COALESCE(a.held, 0) AS held, COALESCE(a.queued, 0) AS queued
       FROM "QueueCountOfMessages" a FULL JOIN "QueueCount" k ON k."hostingId" = a."hostingId"
      WHERE COALESCE(k.held, 0) <> COALESCE(a.held, 0)
         OR COALESCE(k.queued, 0) <> COALESCE(a.queued, 0)
      ORDER BY 1`,
  );
  return rows.map(
    (r) =>
      `hosting ${r.hostingId}: kept held ${r.keptHeld} / queued ${r.keptQueued}, ` +
      `messages held ${r.held} / queued ${r.queued}`,
  );
}
