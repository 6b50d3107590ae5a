import { BaseRepository, PREPARED } from "../shared/base-repository.ts";
import { hourOf, isoDay } from "../shared/time.ts";
import { isBounceSql } from "./protection-repository.ts";
import type { SpamVerdict } from "./spam-verdict.ts";
import { uuidV7 } from "./uuid-v7.ts";

export interface ClaimedRow {
  id: string;
  /** Null for system mail (reports, alerts), whose serviceName is "_system". */
  hostingId: string | null;
  serviceName: string;
  envelopeFrom: string;
  recipients: string[];
  delivered: string[];
  failed: string[];
  raw: Uint8Array | null;
  attempts: number;
  acceptedAt: Date;
  lease: Date;
  /** When the spam scanner judged it; null: not yet (or it was down). */
  scannedAt: Date | null;
  /** Flagged as spam, and released by hand since. */
  spam: boolean;
  released: boolean;
}

export interface MessageUpdate {
  id: string;
  lease: Date;
  /** Recipients this attempt delivered or failed for good, added to those of earlier attempts. */
  delivered: string[];
  failed: string[];
  /** `held`: the spam scanner would reject it (held as spam, not relayed). */
  status: "queued" | "sent" | "failed" | "held";
  nextAttemptAt: Date | null;
  sentAt: Date | null;
  /**
   * The scanner's verdict when this attempt scanned it; null leaves the columns as they are
   * (and, for `held`, mail flagged before is held again without being counted a second time).
   */
  scan: { at: Date; verdict: SpamVerdict } | null;
}

export interface EventRow {
  messageId: string;
  recipient: string;
  outcome: "delivered" | "deferred" | "failed" | "expired";
  smtpCode: number | null;
  text: string;
  /** Failed events only: whose fault (null: unknown, counted as the recipient's). */
  failureKind?: "recipient" | "message" | "relay" | null;
  /**
   * Failed events only: puts the recipient on its hosting's suppression list until then (added,
   * or refreshed with this reply). Ignored for system mail.
   */
  suppressUntil?: Date | null;
}

export type VolumeColumn = "sent" | "errors" | "expired";

/**
 * When the oldest mail of any hosting still waiting for the relay was accepted: one probe of the
 * (hostingId, status, acceptedAt) index per status for each hosting whose kept count says it has
 * some, instead of reading every waiting row (a million-message queue costs the same). Read by
 * the scheduler's queue-age gauge and support's fleet summary; `pnpm bench --only fleet` keeps
 * its plan.
 */
export const OLDEST_WAITING_SQL = `SELECT min(o.at) AS at FROM "QueueCount" q
  CROSS JOIN (VALUES ('queued'::"MessageStatus"), ('sending'::"MessageStatus")) s(status)
  CROSS JOIN LATERAL (
    SELECT m."acceptedAt" AS at FROM "Message" m
     WHERE m."hostingId" = q."hostingId" AND m.status = s.status
     ORDER BY m."acceptedAt" LIMIT 1) o
  WHERE q.queued > 0`;

export class DeliveryRepository extends BaseRepository {
  /**
   * Claims due mail of active hostings, and system mail (no hosting, never held): queued mail
   * whose time has come, and mail whose sending lease ran out (its worker died). The lease is kept
   * in nextAttemptAt, so one index serves both. Mail of a script held on its own waits; mail
   * released by hand goes even while its hosting is blocked or its script held. Plain SQL: the
   * hot path (the hosting is read by its primary key for each due row, as before).
   */
  async claim(now: Date, lease: Date, limit: number): Promise<ClaimedRow[]> {
    return this.sql.query<ClaimedRow>(
      `WITH due AS (
        SELECT m.id, m."hostingId" FROM "Message" m
         WHERE m.status IN ('queued', 'sending') AND m."nextAttemptAt" <= $1::timestamptz
           AND (m."hostingId" IS NULL OR EXISTS (
                 SELECT 1 FROM "Hosting" h
                  WHERE h.id = m."hostingId"
                    AND (m.released OR (h.state = 'active'
                         AND m.script <> ALL (COALESCE(h."heldScripts", '{}'::text[]))))))
         ORDER BY m."nextAttemptAt"
         LIMIT $3::int
         FOR UPDATE OF m SKIP LOCKED)
      UPDATE "Message" m
         SET status = 'sending', "nextAttemptAt" = $2::timestamptz, attempts = m.attempts + 1,
             "updatedAt" = $1::timestamptz
        FROM due LEFT JOIN "Hosting" h ON h.id = due."hostingId"
       WHERE m.id = due.id
      RETURNING m.id::text AS id, m."hostingId"::text AS "hostingId",
                COALESCE(h."serviceName", '_system') AS "serviceName",
                m."envelopeFrom", m.recipients, m.delivered, m.failed, m.raw, m.attempts,
                m."acceptedAt", m."nextAttemptAt" AS lease, m."scannedAt",
                m.spam, m.released`,
      [now.toISOString(), lease.toISOString(), limit],
      PREPARED,
    );
  }

  /**
   * Records a round's results in one statement (so in one transaction): each update holds only
   * while the message is still claimed under the same lease; the events of the messages it
   * applied to are added, and their hostings' day counts sent mail and failed recipients (and
   * the hour's and the minute's counters); failed recipients with `suppressUntil` go on their
   * hosting's suppression list.
   * Returns the ids it applied to (the others were taken over after their lease ran out).
   */
  async record(
    updates: MessageUpdate[],
    events: EventRow[],
    now: Date,
    day: Date,
  ): Promise<Set<string>> {
    if (updates.length === 0) return new Set();
    const rows = updates.map((u) => ({
      id: u.id,
      lease: u.lease.toISOString(),
      delivered: u.delivered,
      failed: u.failed,
      status: u.status,
      next: u.nextAttemptAt?.toISOString() ?? null,
      sent_at: u.sentAt?.toISOString() ?? null,
      scanned_at: u.scan?.at.toISOString() ?? null,
      score: u.scan?.verdict.score ?? null,
      action: u.scan?.verdict.action ?? null,
      symbols: u.scan?.verdict.symbols ?? null,
    }));
    const eventRows = events.map((e) => ({
      id: uuidV7(now),
      message: e.messageId,
      recipient: e.recipient,
      outcome: e.outcome,
      code: e.smtpCode,
      text: e.text,
      kind: e.failureKind ?? null,
      until: e.suppressUntil?.toISOString() ?? null,
    }));
    // Held as spam: flagged, no longer released (support must release it again), and the
    // attempt its claim counted is taken back (nothing was sent). A scan's columns are written
    // only by the attempt that scanned; otherwise they stay as they are.
    const applied = await this.sql.query<{ id: string }>(
      `WITH applied AS (
        UPDATE "Message" m
           SET delivered = m.delivered || u.delivered, failed = m.failed || u.failed,
               status = u.status::"MessageStatus", "nextAttemptAt" = u.next,
               "sentAt" = u.sent_at, "updatedAt" = $3::timestamptz,
               spam = m.spam OR u.status = 'held',
               released = m.released AND u.status <> 'held',
               attempts = CASE WHEN u.status = 'held' THEN greatest(m.attempts - 1, 0)
                               ELSE m.attempts END,
               "scannedAt" = COALESCE(u.scanned_at, m."scannedAt"),
               "spamScore" = CASE WHEN u.scanned_at IS NULL THEN m."spamScore" ELSE u.score END,
               "spamAction" = CASE WHEN u.scanned_at IS NULL THEN m."spamAction" ELSE u.action END,
               "spamSymbols" = CASE WHEN u.scanned_at IS NULL THEN m."spamSymbols"
                                    ELSE u.symbols END
          FROM jsonb_to_recordset($1::jsonb)
               AS u(id uuid, lease timestamptz, delivered text[], failed text[], status text,
                    next timestamptz, sent_at timestamptz, scanned_at timestamptz,
                    score double precision, action text, symbols jsonb)
         WHERE m.id = u.id AND m.status = 'sending' AND m."nextAttemptAt" = u.lease
        RETURNING m.id, m."hostingId", u.status, u.scanned_at IS NOT NULL AS scanned),
      events AS (
        INSERT INTO "DeliveryEvent" (id, "messageId", "hostingId", recipient, at, outcome,
                                     "smtpCode", text, "failureKind")
        SELECT e.id, e.message, a."hostingId", e.recipient, $3::timestamptz,
               e.outcome::"DeliveryOutcome", e.code, e.text, e.kind::"FailureKind"
          FROM jsonb_to_recordset($2::jsonb)
               AS e(id uuid, message uuid, recipient text, outcome text, code int, text text,
                    kind text)
          JOIN applied a ON a.id = e.message
        RETURNING "hostingId", outcome, "failureKind"),
      suppressed AS (
        -- a recipient that failed for good with a 5.1.x reply (one row per hosting and address,
        -- written in key order)
        INSERT INTO "Suppression" ("hostingId", address, reason, "addedAt", "expiresAt")
        SELECT DISTINCT ON (a."hostingId", lower(e.recipient))
               a."hostingId", lower(e.recipient), e.text, $3::timestamptz, e.until
          FROM jsonb_to_recordset($2::jsonb)
               AS e(message uuid, recipient text, text text, until timestamptz)
          JOIN applied a ON a.id = e.message
         WHERE e.until IS NOT NULL AND a."hostingId" IS NOT NULL
         ORDER BY a."hostingId", lower(e.recipient), e.until DESC
        ON CONFLICT ("hostingId", address) DO UPDATE
           SET reason = EXCLUDED.reason, "addedAt" = EXCLUDED."addedAt",
               "expiresAt" = greatest("Suppression"."expiresAt", EXCLUDED."expiresAt")),
      counts AS (
        SELECT "hostingId", 1 AS sent, 0 AS errors, 0 AS held, 0 AS failed, 0 AS spam,
               0 AS recipients
          FROM applied WHERE status = 'sent'
        UNION ALL
        SELECT "hostingId", 0, 0, 0, 1, 0, 0 FROM applied WHERE status = 'failed'
        UNION ALL
        -- a recipient delivered or failed for good (deferred ones are tried again)
        SELECT "hostingId", 0, CASE WHEN outcome = 'failed' THEN 1 ELSE 0 END, 0, 0, 0, 1
          FROM events WHERE outcome IN ('delivered', 'failed')
        UNION ALL
        -- newly held as spam counts in the day's held mail, as mail held at ingest or on a block
        SELECT "hostingId", 0, 0, 1, 0, 1, 0 FROM applied WHERE status = 'held' AND scanned),
      volumes AS (
        -- system mail (no hosting) counts in no site's volumes
        INSERT INTO "DailyVolume" ("hostingId", day, sent, errors, held)
        SELECT "hostingId", $4::date, sum(sent)::int, sum(errors)::int, sum(held)::int
          FROM counts
         WHERE "hostingId" IS NOT NULL GROUP BY "hostingId" ORDER BY "hostingId"
        ON CONFLICT ("hostingId", day) DO UPDATE
           SET sent = "DailyVolume".sent + EXCLUDED.sent,
               errors = "DailyVolume".errors + EXCLUDED.errors,
               held = "DailyVolume".held + EXCLUDED.held
        RETURNING "hostingId"),
      hourly AS (
        -- the hour's counters (support's fleet view), after the day's: reading the day's
        -- upsert makes it lock DailyVolume before HourlyVolume, the order the ingest follows
        INSERT INTO "HourlyVolume" ("hostingId", hour, sent, failed, held, spam, recipients,
                                    "recipientsFailed")
        SELECT c."hostingId", $5::timestamptz, sum(c.sent)::int, sum(c.failed)::int,
               sum(c.held)::int, sum(c.spam)::int, sum(c.recipients)::int, sum(c.errors)::int
          FROM counts c JOIN volumes v ON v."hostingId" = c."hostingId"
         GROUP BY c."hostingId" ORDER BY c."hostingId"
        ON CONFLICT ("hostingId", hour) DO UPDATE
           SET sent = "HourlyVolume".sent + EXCLUDED.sent,
               failed = "HourlyVolume".failed + EXCLUDED.failed,
               held = "HourlyVolume".held + EXCLUDED.held,
               spam = "HourlyVolume".spam + EXCLUDED.spam,
               recipients = "HourlyVolume".recipients + EXCLUDED.recipients,
               "recipientsFailed" = "HourlyVolume"."recipientsFailed" + EXCLUDED."recipientsFailed"
        RETURNING "hostingId"),
      outcomes AS (
        -- the minute's delivered recipients and bounces for the bounce gauge (bounceCountsSql),
        -- after the hour's: reading its upsert locks HourlyVolume before OutcomeMinute, and the
        -- ORDER BY keeps the rows in key order
        INSERT INTO "OutcomeMinute" ("hostingId", minute, delivered, bounced)
        SELECT e."hostingId", date_trunc('minute', $3::timestamptz, 'UTC'),
               count(*) FILTER (WHERE e.outcome = 'delivered')::int,
               count(*) FILTER (WHERE e.outcome = 'failed')::int
          FROM events e JOIN hourly h ON h."hostingId" = e."hostingId"
         WHERE e.outcome = 'delivered'
            OR (e.outcome = 'failed' AND ${isBounceSql("e")})
         GROUP BY e."hostingId" ORDER BY e."hostingId"
        ON CONFLICT ("hostingId", minute) DO UPDATE
           SET delivered = "OutcomeMinute".delivered + EXCLUDED.delivered,
               bounced = "OutcomeMinute".bounced + EXCLUDED.bounced)
      SELECT id::text AS id FROM applied`,
      [
        JSON.stringify(rows),
        JSON.stringify(eventRows),
        now.toISOString(),
        isoDay(day),
        hourOf(now).toISOString(),
      ],
      PREPARED,
    );
    return new Set(applied.map((r) => r.id));
  }

  /**
   * Extends the lease of claims still held under `lease` (one statement for a whole round, every
   * lease/3, not one per message). Returns the ids renewed: a missing one was taken over after its
   * lease ran out, or finished.
   */
  async renew(ids: string[], lease: Date, next: Date): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.sql.query<{ id: string }>(
      `UPDATE "Message" m SET "nextAttemptAt" = $3::timestamptz
        WHERE m.id IN (SELECT value::uuid FROM jsonb_array_elements_text($1::jsonb))
          AND m.status = 'sending' AND m."nextAttemptAt" = $2::timestamptz
       RETURNING m.id::text AS id`,
      [JSON.stringify(ids), lease.toISOString(), next.toISOString()],
    );
    return new Set(rows.map((r) => r.id));
  }

  /**
   * Claims whose lease ran out between `since` and `now` (their worker died) go back to the queue
   * due at their acceptance: otherwise they would wait, due at their lease's end, behind every
   * message that was due before it. Reads only the due index's entries of that window.
   */
  async requeueLapsed(since: Date, now: Date, limit: number): Promise<number> {
    const rows = await this.sql.query<{ id: string }>(
      `WITH lapsed AS (
        SELECT id FROM "Message"
         WHERE status IN ('queued', 'sending') AND "nextAttemptAt" IS NOT NULL
           AND "nextAttemptAt" > $1::timestamptz AND "nextAttemptAt" <= $2::timestamptz
           AND status = 'sending'
         LIMIT $3::int
         FOR UPDATE SKIP LOCKED)
      UPDATE "Message" m
         SET status = 'queued', "nextAttemptAt" = m."acceptedAt", "updatedAt" = $2::timestamptz
        FROM lapsed
       WHERE m.id = lapsed.id
      RETURNING m.id::text AS id`,
      [since.toISOString(), now.toISOString(), limit],
    );
    return rows.length;
  }

  /**
   * Gives back claims that were never handed to the relay (the worker is stopping, or lost the
   * database): due at once, and the attempt the claim counted is taken back.
   */
  async release(ids: string[], lease: Date, now: Date): Promise<number> {
    if (ids.length === 0) return 0;
    const rows = await this.sql.query<{ id: string }>(
      `UPDATE "Message" m
          SET status = 'queued', "nextAttemptAt" = $3::timestamptz,
              attempts = greatest(m.attempts - 1, 0), "updatedAt" = $3::timestamptz
        WHERE m.id IN (SELECT value::uuid FROM jsonb_array_elements_text($1::jsonb))
          AND m.status = 'sending' AND m."nextAttemptAt" = $2::timestamptz
       RETURNING m.id::text AS id`,
      [JSON.stringify(ids), lease.toISOString(), now.toISOString()],
    );
    return rows.length;
  }

  async addVolume(hostingId: string, day: Date, column: VolumeColumn, n: number) {
    if (n === 0) return;
    // The column name comes from a closed union, never from input.
    await this.db.$executeRawUnsafe(
      `INSERT INTO "DailyVolume" ("hostingId", day, "${column}") VALUES ($1::uuid, $2::date, $3)
       ON CONFLICT ("hostingId", day) DO UPDATE SET "${column}" = "DailyVolume"."${column}" + $3`,
      hostingId,
      day,
      n,
    );
  }

  /** Held mail past its expiry: content removed, row kept for the counters. */
  async expireHeld(
    now: Date,
    limit: number,
  ): Promise<Array<{ hostingId: string | null; n: number }>> {
    return this.db.$queryRaw<Array<{ hostingId: string | null; n: number }>>`
      WITH due AS (
        SELECT id FROM "Message"
         WHERE status = 'held' AND "expiresAt" <= ${now}
         ORDER BY "expiresAt" LIMIT ${limit} FOR UPDATE SKIP LOCKED),
      done AS (
        UPDATE "Message" m SET status = 'expired', raw = NULL, "updatedAt" = ${now}
          FROM due WHERE m.id = due.id
        RETURNING m."hostingId")
      SELECT "hostingId"::text AS "hostingId", count(*)::int AS n FROM done GROUP BY "hostingId"`;
  }

  /**
   * Removes the content of mail finished between `after` and `before`; the lower bound keeps each
   * run to recent rows instead of every message ever sent.
   */
  async dropContent(after: Date, before: Date, limit: number): Promise<number> {
    return this.db.$executeRaw`
      UPDATE "Message" SET raw = NULL
       WHERE id IN (
         SELECT id FROM "Message"
          WHERE status IN ('sent', 'failed') AND "sentAt" >= ${after} AND "sentAt" < ${before}
            AND raw IS NOT NULL
          LIMIT ${limit} FOR UPDATE SKIP LOCKED)`;
  }

  /**
   * Deletes purged mail purged before `before` (its updatedAt), through Message_purged_idx; its
   * delivery events go with it (cascade). Purged rows are out of the queue counts already.
   */
  async deletePurged(before: Date, limit: number): Promise<number> {
    return this.db.$executeRaw`
      DELETE FROM "Message"
       WHERE id IN (
         SELECT id FROM "Message"
          WHERE status = 'purged' AND "updatedAt" < ${before}
          LIMIT ${limit} FOR UPDATE SKIP LOCKED)`;
  }

  /**
   * Deletes the hourly counters, the per-minute health rows and the per-minute outcomes older
   * than `before` (support's fleet view reads 25 hours at most, the bounce gauge one hour),
   * through the hour index, the health key and the minute index.
   */
  async deleteOldRollups(before: Date): Promise<void> {
    await this.sql.query(`DELETE FROM "HourlyVolume" WHERE hour < $1::timestamptz`, [
      before.toISOString(),
    ]);
    await this.sql.query(`DELETE FROM "HealthMinute" WHERE minute < $1::timestamptz`, [
      before.toISOString(),
    ]);
    await this.sql.query(`DELETE FROM "OutcomeMinute" WHERE minute < $1::timestamptz`, [
      before.toISOString(),
    ]);
  }

  /** Mail waiting, by status (read from the status indexes). */
  async queueDepth(): Promise<Record<"queued" | "sending" | "held", number>> {
    const rows = await this.db.$queryRaw<Array<{ status: string; n: number }>>`
      SELECT status::text AS status, count(*)::int AS n FROM "Message"
       WHERE status IN ('queued', 'sending', 'held') GROUP BY status`;
    const depth = { queued: 0, sending: 0, held: 0 };
    for (const r of rows) depth[r.status as keyof typeof depth] = r.n;
    return depth;
  }

  /** When the oldest mail still waiting for the relay (queued or sending) was accepted. */
  async oldestWaitingAt(): Promise<Date | null> {
    const [row] = await this.sql.query<{ at: Date | string | null }>(OLDEST_WAITING_SQL);
    return row?.at ? new Date(row.at) : null;
  }

  /**
   * When the oldest queued mail that is due (its time has come, no worker has claimed it yet)
   * became due: how far the workers are behind. The due index answers it from its first rows.
   */
  async oldestDueAt(now: Date): Promise<Date | null> {
    const [row] = await this.sql.query<{ at: Date | string | null }>(
      `SELECT min("nextAttemptAt") AS at FROM "Message"
        WHERE status = 'queued' AND "nextAttemptAt" <= $1::timestamptz`,
      [now.toISOString()],
    );
    return row?.at ? new Date(row.at) : null;
  }
}
