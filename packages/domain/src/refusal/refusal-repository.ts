import { BaseRepository } from "../shared/base-repository.ts";
import { storableText } from "../shared/storable-text.ts";
import { MAX_REFUSAL_SCRIPTS, OTHER_SCRIPTS, type RefusalReason } from "./refusal-reasons.ts";

/** Refusals of one hosting, day, script and reason, to add to the day's count. */
export interface RefusalCount {
  /**
   * By id once the session knows it (after AUTH); by service name for a failed AUTH, recorded
   * only if a hosting has that name.
   */
  hosting: { id: string } | { serviceName: string };
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  script: string;
  reason: RefusalReason;
  count: number;
}

/**
 * The `Refusal` table: counts of submission-time refusals per hosting, day, script and reason.
 * Plain SQL: the SMTP role writes them, one statement a second at most.
 */
export class RefusalRepository extends BaseRepository {
  /**
   * Adds the counts in one statement. Hostings named but unknown (or deleted since) are skipped.
   * A hosting keeps at most MAX_REFUSAL_SCRIPTS distinct scripts a day: the refusals of a further
   * script, the most refused first, are counted under OTHER_SCRIPTS. Rows are written in key
   * order, so that two processes adding to the same rows wait for each other instead of
   * deadlocking. (Two processes adding new scripts at the same moment may each fill the cap:
   * still at most that many per process.)
   */
  async add(counts: RefusalCount[], hour: Date): Promise<void> {
    if (counts.length === 0) return;
    await this.sql.query(
      `WITH r AS (
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::date[], $4::text[], $5::text[], $6::int[])
                    AS r(id, service, day, script, reason, n)),
       resolved AS (
         SELECT h.id AS hosting, r.day, r.script, r.reason, r.n
           FROM r JOIN "Hosting" h ON h.id = r.id
         UNION ALL
         SELECT h.id, r.day, r.script, r.reason, r.n
           FROM r JOIN "Hosting" h ON h."serviceName" = r.service WHERE r.id IS NULL),
       keys AS (SELECT DISTINCT hosting, day FROM resolved),
       known AS (
         SELECT DISTINCT f."hostingId" AS hosting, f.day, f.script
           FROM "Refusal" f JOIN keys k ON f."hostingId" = k.hosting AND f.day = k.day
          WHERE f.script <> $7::text),
       used AS (SELECT hosting, day, count(*)::int AS n FROM known GROUP BY hosting, day),
       fresh AS (
         SELECT s.hosting, s.day, s.script,
                row_number() OVER (PARTITION BY s.hosting, s.day
                                   ORDER BY s.total DESC, s.script) AS rank
           FROM (SELECT hosting, day, script, sum(n) AS total FROM resolved
                  WHERE script <> $7::text GROUP BY hosting, day, script) s
          WHERE NOT EXISTS (SELECT 1 FROM known k
                             WHERE k.hosting = s.hosting AND k.day = s.day AND k.script = s.script)),
       named AS (
         SELECT r.hosting, r.day,
                CASE WHEN f.rank IS NULL OR f.rank + COALESCE(u.n, 0) <= $8::int THEN r.script
                     ELSE $7::text END AS script,
                r.reason, r.n
           FROM resolved r
           LEFT JOIN fresh f ON f.hosting = r.hosting AND f.day = r.day AND f.script = r.script
           LEFT JOIN used u ON u.hosting = r.hosting AND u.day = r.day),
       hourly AS (
         -- support's fleet view counts the hosting's refusals of the hour, whatever the script
         INSERT INTO "HourlyVolume" ("hostingId", hour, refused)
         SELECT hosting, $9::timestamptz, sum(n)::int FROM resolved
          GROUP BY hosting ORDER BY hosting
         ON CONFLICT ("hostingId", hour) DO UPDATE
            SET refused = "HourlyVolume".refused + EXCLUDED.refused)
       INSERT INTO "Refusal" ("hostingId", day, script, reason, count)
       SELECT hosting, day, script, reason, sum(n)::int FROM named
        GROUP BY hosting, day, script, reason
        ORDER BY hosting, day, script, reason
       ON CONFLICT ("hostingId", day, script, reason)
         DO UPDATE SET count = "Refusal".count + EXCLUDED.count`,
      [
        counts.map((c) => ("id" in c.hosting ? c.hosting.id : null)),
        counts.map((c) =>
          "serviceName" in c.hosting ? storableText(c.hosting.serviceName) : null,
        ),
        counts.map((c) => c.day),
        counts.map((c) => storableText(c.script)),
        counts.map((c) => c.reason),
        counts.map((c) => c.count),
        OTHER_SCRIPTS,
        MAX_REFUSAL_SCRIPTS,
        hour.toISOString(),
      ],
    );
  }
}
