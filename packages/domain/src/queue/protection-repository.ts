import type { BlockCause } from "@scripts-email/contracts";
import { BaseRepository } from "../shared/base-repository.ts";

// SQL fragments over the hosting row `h`, shared by the rules (here and in ingest-repository.ts)
// and the panel's gauge (email-read-repository.ts), so that what blocks and what is shown count
// the same way.

/**
 * Where the protection counts from: `windowStart` (a timestamptz expression), or the hosting's
 * last unblock if later (its `stateChangedAt` while active), so that counts from before an
 * unblock do not block the site again at once.
 */
export function countingStartSql(windowStart: string): string {
  return `GREATEST(${windowStart}, CASE WHEN h.state = 'active' THEN h."stateChangedAt" END)`;
}

/**
 * Whether the failed event `e` is a bounce: failures that are the message's or the relay's own
 * fault (a content refusal, a relay that wants authentication) are not, since they say nothing
 * about the addresses a site sends to, and counting them would let a relay's fault block a
 * hosting. A failure of unknown kind (rows from before kinds were recorded) is. The writer of
 * OutcomeMinute (DeliveryRepository.record) and the gauge's first minute both use it; the
 * migration's OutcomeMinuteOfEvents view spells the same test.
 */
export function isBounceSql(e: string): string {
  return `(${e}."failureKind" = 'recipient' OR ${e}."failureKind" IS NULL)`;
}

/**
 * `delivered` and `failed` recipients since `since` (within the bounce window, which
 * createMailPath keeps shorter than OutcomeMinute's retention), failed ones only when they are
 * bounces (`isBounceSql`).
 *
 * Whole minutes are read from the hosting's OutcomeMinute rows (one a minute, whatever its
 * traffic), and only the events of `since`'s own minute from the event index, so that a window
 * starting mid-minute (an unblock) is counted exactly. Counting every event of the window cost
 * 40 ms for a hosting with 50,000 deliveries an hour, and a heap visit per failure.
 */
export function bounceCountsSql(since: string): string {
  // one count per outcome, so that each is a range of the (hostingId, outcome, at) index bounded
  // to the first minute: with both outcomes in one filter the planner may scan every event of
  // the hosting (all its history and its deferrals) and check "at" entry by entry
  return `SELECT (m.delivered + (SELECT count(*) FROM "DeliveryEvent" e
                   WHERE e."hostingId" = h.id AND e.outcome = 'delivered'
                     AND e.at >= w.since AND e.at < w.whole))::int AS delivered,
                 (m.bounced + (SELECT count(*) FROM "DeliveryEvent" e
                   WHERE e."hostingId" = h.id AND e.outcome = 'failed'
                     AND e.at >= w.since AND e.at < w.whole
                     AND ${isBounceSql("e")}))::int AS failed
            FROM (SELECT s.since, date_trunc('minute', s.since, 'UTC') + interval '1 minute' AS whole
                    FROM (SELECT ${since} AS since) s) w
            CROSS JOIN LATERAL (
              SELECT COALESCE(sum(o.delivered), 0) AS delivered,
                     COALESCE(sum(o.bounced), 0) AS bounced
                FROM "OutcomeMinute" o WHERE o."hostingId" = h.id AND o.minute >= w.whole) m`;
}

/** Messages accepted after `since`, counted up to `cap` (bounded work). */
export function acceptedCountSql(since: string, cap: string): string {
  return `SELECT count(*)::int FROM (
            SELECT 1 FROM "Message" m
             WHERE m."hostingId" = h.id AND m."acceptedAt" > ${since}
             LIMIT ${cap}) accepted`;
}

/** Messages flagged as spam accepted after `since`, counted up to `cap` (bounded work). */
export function spamCountSql(since: string, cap: string): string {
  return `SELECT count(*)::int FROM (
            SELECT 1 FROM "Message" m
             WHERE m."hostingId" = h.id AND m."acceptedAt" > ${since} AND m.spam
             LIMIT ${cap}) flagged`;
}

export class ProtectionRepository extends BaseRepository {
  /**
   * The bounce rule's figures (see `bounceCountsSql`) since `windowStart` or the hosting's last
   * unblock if later, and until when its threshold is relaxed. Null for an unknown hosting.
   */
  async recentOutcomes(
    hostingId: string,
    windowStart: Date,
  ): Promise<{ delivered: number; failed: number; relaxedUntil: Date | null } | null> {
    const [row] = await this.sql.query<{
      delivered: number;
      failed: number;
      relaxedUntil: Date | string | null;
    }>(
      `SELECT b.delivered, b.failed, h."bounceRelaxedUntil" AS "relaxedUntil"
         FROM "Hosting" h
         CROSS JOIN LATERAL (${bounceCountsSql(countingStartSql("$2::timestamptz"))}) b
        WHERE h.id = $1::uuid`,
      [hostingId, windowStart.toISOString()],
    );
    if (!row) return null;
    return {
      delivered: row.delivered,
      failed: row.failed,
      relaxedUntil: row.relaxedUntil === null ? null : new Date(row.relaxedUntil),
    };
  }

  /**
   * The spam rule's figure: the hosting's messages flagged as spam (see `spamCountSql`) since
   * `windowStart` or its last unblock if later, counted up to `cap`. Null for an unknown hosting.
   */
  async spamSince(hostingId: string, windowStart: Date, cap: number): Promise<number | null> {
    const [row] = await this.sql.query<{ n: number }>(
      `SELECT (${spamCountSql(countingStartSql("$2::timestamptz"), "$3::int")}) AS n
         FROM "Hosting" h
        WHERE h.id = $1::uuid`,
      [hostingId, windowStart.toISOString(), cap],
    );
    return row ? row.n : null;
  }

  /** Blocked hostings by cause, through the index on Hosting(state, blockCause, …). */
  async blockedByCause(): Promise<Record<BlockCause, number>> {
    const rows = await this.sql.query<{ cause: BlockCause | null; n: number }>(
      `SELECT "blockCause"::text AS cause, count(*)::int AS n
         FROM "Hosting" WHERE state = 'blocked' GROUP BY "blockCause"`,
    );
    const counts: Record<BlockCause, number> = {
      customer: 0,
      support: 0,
      burst: 0,
      bounce: 0,
      spam: 0,
    };
    for (const r of rows) if (r.cause !== null) counts[r.cause] = r.n;
    return counts;
  }
}
