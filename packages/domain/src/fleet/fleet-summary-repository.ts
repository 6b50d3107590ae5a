import { BaseRepository } from "../shared/base-repository.ts";

export interface HostingCountRow {
  state: "active" | "blocked" | "purging";
  cause: "customer" | "support" | "burst" | "bounce" | "spam" | null;
  n: number;
}

export interface VolumeSums {
  accepted: number;
  sent: number;
  failed: number;
  held: number;
  spam: number;
  refused: number;
}

export interface HealthRow {
  component: string;
  lastSuccessAt: Date | null;
  lastFailureAt: Date | null;
  lastError: string | null;
  successesLastHour: number;
  failuresLastHour: number;
}

const VOLUME_COLUMNS = ["accepted", "sent", "failed", "held", "spam", "refused"] as const;

/**
 * Support's fleet summary: each read is one small statement over a rollup (Hosting's state index,
 * HourlyVolume's hour index, QueueCount, HealthMinute), never a scan of Message.
 */
export class FleetSummaryRepository extends BaseRepository {
  hostingCounts(): Promise<HostingCountRow[]> {
    return this.sql.query<HostingCountRow>(
      `SELECT state::text AS state, "blockCause"::text AS cause, count(*)::int AS n
         FROM "Hosting" GROUP BY state, "blockCause"`,
    );
  }

  /** The sums since `hourStart` and since `dayStart` (both hour keys), in one pass. */
  async volumes(hourStart: Date, dayStart: Date): Promise<{ hour: VolumeSums; day: VolumeSums }> {
    const sums = VOLUME_COLUMNS.flatMap((c) => [
      `COALESCE(sum(${c}) FILTER (WHERE hour >= $1::timestamptz), 0)::int AS "hour_${c}"`,
      `COALESCE(sum(${c}), 0)::int AS "day_${c}"`,
    ]).join(", ");
    const [row] = await this.sql.query<Record<string, number>>(
      `SELECT ${sums} FROM "HourlyVolume" WHERE hour >= $2::timestamptz`,
      [hourStart.toISOString(), dayStart.toISOString()],
    );
    const pick = (prefix: string) =>
      Object.fromEntries(
        VOLUME_COLUMNS.map((c) => [c, row?.[`${prefix}_${c}`] ?? 0]),
      ) as unknown as VolumeSums;
    return { hour: pick("hour"), day: pick("day") };
  }

  /** Mail queued and held, from the kept per-hosting counts. */
  async queueCounts(): Promise<{ queued: number; held: number }> {
    const [row] = await this.sql.query<{ queued: number; held: number }>(
      `SELECT COALESCE(sum(queued), 0)::int AS queued, COALESCE(sum(held), 0)::int AS held
         FROM "QueueCount"`,
    );
    return row ?? { queued: 0, held: 0 };
  }

  /** Each component's last success and failure (kept two days) and its counts since `since`. */
  health(since: Date): Promise<HealthRow[]> {
    return this.sql.query<HealthRow>(
      `SELECT component, max("lastSuccessAt") AS "lastSuccessAt",
              max("lastFailureAt") AS "lastFailureAt",
              (array_agg("lastError" ORDER BY "lastFailureAt" DESC NULLS LAST))[1] AS "lastError",
              COALESCE(sum(successes) FILTER (WHERE minute >= $1::timestamptz), 0)::int
                AS "successesLastHour",
              COALESCE(sum(failures) FILTER (WHERE minute >= $1::timestamptz), 0)::int
                AS "failuresLastHour"
         FROM "HealthMinute" GROUP BY component`,
      [since.toISOString()],
    );
  }
}
