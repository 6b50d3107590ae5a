import type { SqlQuery } from "@scripts-email/db";

/**
 * The hostings whose kept queue counts (QueueCount, maintained by triggers on Message: see the
 * migration queue_counts) differ from their messages, one line each; empty when they agree. It
 * reads every waiting message, so it is a check for tests and the chaos runs, never a page's read.
 */
export async function queueCountDrift(sql: SqlQuery): Promise<string[]> {
  const rows = await sql.query<{
    hostingId: string;
    keptHeld: number;
    keptQueued: number;
    held: number;
    queued: number;
  }>(
    `WITH actual AS (
       SELECT "hostingId", count(*) FILTER (WHERE status = 'held')::int AS held,
              count(*) FILTER (WHERE status IN ('queued', 'sending'))::int AS queued
         FROM "Message" WHERE "hostingId" IS NOT NULL GROUP BY "hostingId"),
     kept AS (SELECT "hostingId", held, queued FROM "QueueCount")
     SELECT COALESCE(a."hostingId", k."hostingId")::text AS "hostingId",
            COALESCE(k.held, 0) AS "keptHeld", COALESCE(k.queued, 0) AS "keptQueued",
            COALESCE(a.held, 0) AS held, COALESCE(a.queued, 0) AS queued
       FROM actual a FULL JOIN kept k ON k."hostingId" = a."hostingId"
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
