import type { ScriptStats } from "@scripts-email/contracts";
import { type HostingRow, visibleHostingWithRows } from "../hosting/hosting-repository.ts";
import { BaseRepository, type Tx } from "../shared/base-repository.ts";
import { isoDay } from "../shared/time.ts";

/** The most rows the per-script view answers. */
export const MAX_SCRIPT_ROWS = 200;

/**
 * The per-script view and the held scripts of a hosting. The view is one statement of plain
 * SQL (a panel read: see @scripts-email/db sql-client.ts).
 */
export class ScriptsRepository extends BaseRepository {
  /**
   * The hosting (see `visibleHostingWithRows`) and its mail by script since `from` (a UTC
   * midnight): the messages accepted since then, read through the (hostingId, acceptedAt)
   * index, so only the hosting's window is scanned; their current status counted; and the
   * submission refusals of the days since then (Refusal rows, one per day, script and reason).
   * Largest volume (accepted + refused) first, at most MAX_SCRIPT_ROWS.
   */
  statsOf(
    serviceName: string,
    ownerId: string | null,
    from: Date,
  ): Promise<{ hosting: HostingRow; rows: ScriptStats[] } | null> {
    return visibleHostingWithRows<ScriptStats>(
      this.sql,
      serviceName,
      ownerId,
      `SELECT json_agg(s ORDER BY s.accepted + s.refused DESC, s.script)
         FROM (SELECT COALESCE(m.script, r.script) AS script,
                      COALESCE(m.accepted, 0) AS accepted, COALESCE(m.sent, 0) AS sent,
                      COALESCE(m.failed, 0) AS failed, COALESCE(m.held, 0) AS held,
                      COALESCE(m.spam, 0) AS spam, COALESCE(r.refused, 0) AS refused
                 FROM (SELECT script,
                              count(*)::int AS accepted,
                              count(*) FILTER (WHERE status = 'sent')::int AS sent,
                              count(*) FILTER (WHERE status IN ('failed', 'expired'))::int
                                AS failed,
                              count(*) FILTER (WHERE status = 'held' AND NOT spam)::int AS held,
                              count(*) FILTER (WHERE status = 'held' AND spam)::int AS spam
                         FROM "Message"
                        WHERE "hostingId" = h.id AND "acceptedAt" >= $3::timestamptz
                        GROUP BY script) m
                 FULL JOIN (SELECT script, sum(count)::int AS refused
                              FROM "Refusal"
                             WHERE "hostingId" = h.id AND day >= $4::date
                             GROUP BY script) r ON r.script = m.script
                ORDER BY COALESCE(m.accepted, 0) + COALESCE(r.refused, 0) DESC,
                         COALESCE(m.script, r.script)
                LIMIT $5::int) s`,
      [from.toISOString(), isoDay(from), MAX_SCRIPT_ROWS],
    );
  }

  /** The hosting's held scripts, its row locked until the transaction ends (null: gone). */
  async lockHeldScripts(hostingId: string, tx: Tx): Promise<string[] | null> {
    const [row] = await this.sqlIn(tx).query<{ heldScripts: string[] }>(
      `SELECT "heldScripts" FROM "Hosting" WHERE id = $1::uuid FOR UPDATE`,
      [hostingId],
    );
    return row ? row.heldScripts : null;
  }

  async setHeldScripts(hostingId: string, scripts: string[], tx: Tx): Promise<void> {
    await this.sqlIn(tx).query(
      `UPDATE "Hosting" SET "heldScripts" = $2::text[] WHERE id = $1::uuid`,
      [hostingId, scripts],
    );
  }
}
