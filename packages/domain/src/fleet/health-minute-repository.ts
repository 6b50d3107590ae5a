import { BaseRepository } from "../shared/base-repository.ts";
import { storableText } from "../shared/storable-text.ts";
import type { HealthComponent } from "./health-components.ts";

/** What one process saw of a component during one minute, added to that minute's row. */
export interface HealthCount {
  component: HealthComponent;
  /** Start of the minute (UTC). */
  minute: Date;
  successes: number;
  failures: number;
  lastSuccessAt: Date | null;
  lastFailureAt: Date | null;
  /** The last failure's text (cut to 500 characters). */
  lastError: string | null;
}

const ERROR_MAX = 500;

/** HealthMinute: written by the delivery workers a few times a minute, one statement each. */
export class HealthMinuteRepository extends BaseRepository {
  async add(counts: HealthCount[]): Promise<void> {
    if (counts.length === 0) return;
    await this.sql.query(
      `INSERT INTO "HealthMinute" (component, minute, successes, failures, "lastSuccessAt",
                                   "lastFailureAt", "lastError")
       SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::int[], $4::int[],
                            $5::timestamptz[], $6::timestamptz[], $7::text[])
        ORDER BY 1, 2
       ON CONFLICT (component, minute) DO UPDATE
          SET successes = "HealthMinute".successes + EXCLUDED.successes,
              failures = "HealthMinute".failures + EXCLUDED.failures,
              "lastSuccessAt" = greatest("HealthMinute"."lastSuccessAt", EXCLUDED."lastSuccessAt"),
              "lastFailureAt" = greatest("HealthMinute"."lastFailureAt", EXCLUDED."lastFailureAt"),
              "lastError" = CASE
                WHEN EXCLUDED."lastFailureAt" IS NOT NULL
                 AND EXCLUDED."lastFailureAt" >= COALESCE("HealthMinute"."lastFailureAt",
                                                          EXCLUDED."lastFailureAt")
                THEN EXCLUDED."lastError" ELSE "HealthMinute"."lastError" END`,
      [
        counts.map((c) => c.component),
        counts.map((c) => c.minute.toISOString()),
        counts.map((c) => c.successes),
        counts.map((c) => c.failures),
        counts.map((c) => c.lastSuccessAt?.toISOString() ?? null),
        counts.map((c) => c.lastFailureAt?.toISOString() ?? null),
        counts.map((c) =>
          c.lastError === null ? null : storableText([...c.lastError].slice(0, ERROR_MAX).join("")),
        ),
      ],
    );
  }
}
