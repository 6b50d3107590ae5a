import type { RefusalRow } from "@scripts-email/contracts";
import { type HostingRow, visibleHostingWithRows } from "../hosting/hosting-repository.ts";
import { BaseRepository } from "../shared/base-repository.ts";
import { isoDay } from "../shared/time.ts";
import type { RefusalReason } from "./refusal-reasons.ts";

/** The most rows the refusals list answers (a day holds at most 51 scripts × 8 reasons). */
export const MAX_REFUSAL_ROWS = 500;

/** One listed row, with the period's totals (the same on every row). */
interface ListedRow extends RefusalRow {
  total: number;
  rows: number;
}

/** A day's refusals of one hosting, by reason, most refused first. */
export interface RefusalDay {
  total: number;
  reasons: Array<{ reason: RefusalReason; count: number }>;
}

/**
 * Reads of the `Refusal` table, whose rows the SMTP role writes (refusal-repository.ts). Each
 * read is one statement of plain SQL over a range of the (hostingId, day, script, reason)
 * primary key: bounded by the recorder's cap on scripts a day.
 */
export class RefusalReadRepository extends BaseRepository {
  /**
   * The hosting (see `visibleHostingWithRows`) and its refusals since the UTC day `from`, newest
   * day first, then the most refused, at most `limit` rows; each row carries the period's total
   * and number of rows, counted before the limit.
   */
  async listOf(
    serviceName: string,
    ownerId: string | null,
    from: Date,
    limit: number,
  ): Promise<{
    hosting: HostingRow;
    rows: RefusalRow[];
    total: number;
    truncated: boolean;
  } | null> {
    const found = await visibleHostingWithRows<ListedRow>(
      this.sql,
      serviceName,
      ownerId,
      `SELECT json_agg(json_build_object(
          'date', r.date, 'script', r.script, 'reason', r.reason, 'count', r.count,
          'total', r.total, 'rows', r.rows) ORDER BY r.day DESC, r.count DESC, r.script, r.reason)
         FROM (SELECT day, to_char(day, 'YYYY-MM-DD') AS date, script, reason, count,
                      sum(count) OVER ()::bigint AS total, count(*) OVER ()::int AS rows
                 FROM "Refusal"
                WHERE "hostingId" = h.id AND day >= $3::date
                ORDER BY day DESC, count DESC, script, reason
                LIMIT $4::int) r`,
      [isoDay(from), limit],
    );
    if (!found) return null;
    const first = found.rows[0];
    return {
      hosting: found.hosting,
      rows: found.rows.map(({ date, script, reason, count }) => ({ date, script, reason, count })),
      total: first ? Number(first.total) : 0,
      truncated: first ? first.rows > found.rows.length : false,
    };
  }

  /** The hosting's refusals of one UTC day, by reason, most refused first. */
  async dayOf(hostingId: string, day: Date): Promise<RefusalDay> {
    const rows = await this.sql.query<{ reason: RefusalReason; count: number }>(
      `SELECT reason, sum(count)::int AS count FROM "Refusal"
        WHERE "hostingId" = $1::uuid AND day = $2::date
        GROUP BY reason ORDER BY count DESC, reason`,
      [hostingId, isoDay(day)],
    );
    return { total: rows.reduce((n, r) => n + r.count, 0), reasons: rows };
  }
}
