import type { SqlQuery } from "@scripts-email/db";

/**
 * The minutes whose kept outcomes (OutcomeMinute, written by the statement that records delivery
 * results) differ from the events (the view OutcomeMinuteOfEvents), one line each; empty when
 * they agree. Minutes before `since` (which the retention may have dropped) are not compared. It reads every
 * event, so it is a check for tests and the chaos runs, never a page's read.
 */
export async function outcomeMinuteDrift(
  sql: SqlQuery,
  since: Date | null = null,
): Promise<string[]> {
  const rows = await sql.query<{
    hostingId: string;
    minute: Date | string;
    keptDelivered: number;
    keptBounced: number;
    delivered: number;
    bounced: number;
  }>(
    `SELECT COALESCE(a."hostingId", k."hostingId")::text AS "hostingId",
            COALESCE(a.minute, k.minute) AS minute,
            COALESCE(k.delivered, 0) AS "keptDelivered", COALESCE(k.bounced, 0) AS "keptBounced",
            COALESCE(a.delivered, 0) AS delivered, COALESCE(a.bounced, 0) AS bounced
       FROM (SELECT * FROM "OutcomeMinuteOfEvents" WHERE $1::timestamptz IS NULL OR minute >= $1) a
       FULL JOIN (SELECT * FROM "OutcomeMinute" WHERE $1::timestamptz IS NULL OR minute >= $1) k
         ON k."hostingId" = a."hostingId" AND k.minute = a.minute
      WHERE COALESCE(k.delivered, 0) <> COALESCE(a.delivered, 0)
         OR COALESCE(k.bounced, 0) <> COALESCE(a.bounced, 0)
      ORDER BY 1, 2`,
    [since?.toISOString() ?? null],
  );
  return rows.map(
    (r) =>
      `hosting ${r.hostingId} at ${new Date(r.minute).toISOString()}: kept delivered ` +
      `${r.keptDelivered} / bounced ${r.keptBounced}, events delivered ${r.delivered} / ` +
      `bounced ${r.bounced}`,
  );
}

/**
 * Rebuilds the kept per-minute outcomes from the delivery events (the migration's
 * recount_outcomes()), for writers that insert events straight: test fixtures, scripts.
 */
export async function recountOutcomes(sql: SqlQuery): Promise<void> {
  // from FROM: a void column cannot be read through every driver (Prisma's)
  await sql.query(`SELECT 1 FROM "recount_outcomes"()`);
}
