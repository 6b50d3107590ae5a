import { BaseRepository, PREPARED, type Tx } from "../shared/base-repository.ts";

export interface SuppressionRow {
  address: string;
  reason: string;
  addedAt: Date;
  expiresAt: Date;
}

/** Escapes `%`, `_` and `\` for a LIKE pattern. */
function likeText(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The `Suppression` table. The worker adds rows (DeliveryRepository.record, in the statement that
 * records the failure); the SMTP server reads one row by its primary key for each RCPT TO.
 * Plain SQL: the RCPT lookup is on the submission's path.
 */
export class SuppressionRepository extends BaseRepository {
  /** The entry in force for this address (lower-cased here), by the primary key. */
  async find(hostingId: string, address: string, now: Date): Promise<SuppressionRow | null> {
    const rows = await this.sql.query<SuppressionRow>(
      `SELECT address, reason, "addedAt", "expiresAt" FROM "Suppression"
        WHERE "hostingId" = $1::uuid AND address = lower($2::text)
          AND "expiresAt" > $3::timestamptz`,
      [hostingId, address, now.toISOString()],
      PREPARED,
    );
    return rows[0] ?? null;
  }

  /**
   * A page of the hosting's entries in force, by address after `after`, through the primary key
   * (hostingId, address): `contains` filters within the hosting's rows only.
   */
  async list(
    hostingId: string,
    options: { contains?: string; after?: string; limit: number; now: Date },
  ): Promise<SuppressionRow[]> {
    return this.sql.query<SuppressionRow>(
      `SELECT address, reason, "addedAt", "expiresAt" FROM "Suppression"
        WHERE "hostingId" = $1::uuid AND "expiresAt" > $2::timestamptz
          AND ($3::text IS NULL OR address > $3::text)
          AND ($4::text IS NULL OR address LIKE '%' || $4::text || '%')
        ORDER BY address
        LIMIT $5::int`,
      [
        hostingId,
        options.now.toISOString(),
        options.after ?? null,
        options.contains ? likeText(options.contains.toLowerCase()) : null,
        options.limit,
      ],
    );
  }

  /** Removes the entry; false when there was none. */
  async remove(hostingId: string, address: string, tx?: Tx): Promise<boolean> {
    const rows = await this.sqlIn(tx).query<{ address: string }>(
      `DELETE FROM "Suppression" WHERE "hostingId" = $1::uuid AND address = lower($2::text)
       RETURNING address`,
      [hostingId, address],
    );
    return rows.length > 0;
  }

  /** Deletes up to `limit` entries expired by `now` (the expiresAt index); returns how many. */
  async deleteExpired(now: Date, limit: number): Promise<number> {
    const rows = await this.sql.query<{ n: number }>(
      `WITH gone AS (
         DELETE FROM "Suppression" s
          USING (SELECT "hostingId", address FROM "Suppression"
                  WHERE "expiresAt" <= $1::timestamptz
                  ORDER BY "expiresAt" LIMIT $2::int
                  FOR UPDATE SKIP LOCKED) due
          WHERE s."hostingId" = due."hostingId" AND s.address = due.address
         RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [now.toISOString(), limit],
    );
    return rows[0]?.n ?? 0;
  }
}
