import { Prisma } from "@scripts-email/db";
import {
  HOSTING_COLUMNS,
  type HostingRow,
  type HostingSqlRow,
  isoTime,
  toHostingRow,
  visibleHostingWithRows,
} from "../hosting/hosting-repository.ts";
import { BaseRepository, type Tx } from "../shared/base-repository.ts";
import { isoDay } from "../shared/time.ts";

/** One day's counters; `day` is `YYYY-MM-DD`. */
export interface VolumeRow {
  day: string;
  sent: number;
  errors: number;
}

/** What the panel's status shows besides the hosting row itself. */
export interface PanelCounters {
  sent: number;
  errors: number;
  sentToday: number;
  held: number;
  queued: number;
  nextHeldExpiry: Date | null;
}

export interface FailedEventRow {
  /** ISO time */
  at: string;
  recipient: string;
  smtpCode: number | null;
  text: string;
}

interface LockedHosting {
  state: string;
  stateChangedAt: Date;
}

/** Batch jobs delete or update thousands of rows per transaction: more than the default 10 s. */
const BATCH_TIMEOUT_MS = 60_000;

/**
 * The status counters of the hosting `h` (`$2` today):
 * - totals and today's sent mail from the daily counters;
 * - held and queued mail from its QueueCount row, which triggers keep exact as mail moves: a
 *   page view costs the same whether a hosting holds ten messages or a million;
 * - the next held expiry: every message expires a fixed time after it was accepted, so the
 *   oldest held message is the next to expire, one read from the end of the hosting's
 *   (status, acceptedAt) index.
 */
const COUNTER_JOIN = `CROSS JOIN LATERAL (
  SELECT COALESCE(sum(v.sent), 0)::bigint AS sent, COALESCE(sum(v.errors), 0)::bigint AS errors
    FROM "DailyVolume" v WHERE v."hostingId" = h.id) t
  LEFT JOIN "QueueCount" q ON q."hostingId" = h.id`;

const COUNTER_COLUMNS = `t.sent, t.errors,
  COALESCE((SELECT v.sent FROM "DailyVolume" v
             WHERE v."hostingId" = h.id AND v.day = $2::date), 0)::int AS "sentToday",
  COALESCE(q.held, 0) AS held, COALESCE(q.queued, 0) AS queued,
  (SELECT m."expiresAt" FROM "Message" m
    WHERE m."hostingId" = h.id AND m.status = 'held'
    ORDER BY m."acceptedAt" ASC, m.id ASC
    LIMIT 1) AS "nextHeldExpiry"`;

interface CounterSqlRow {
  /** bigint sums: a string from node-postgres, a BigInt from Prisma */
  sent: unknown;
  errors: unknown;
  sentToday: number;
  held: number;
  queued: number;
  nextHeldExpiry: Date | null;
}

function toCounters(row: CounterSqlRow): PanelCounters {
  return {
    sent: Number(row.sent),
    errors: Number(row.errors),
    sentToday: row.sentToday,
    held: row.held,
    queued: row.queued,
    nextHeldExpiry: row.nextHeldExpiry === null ? null : new Date(row.nextHeldExpiry),
  };
}

export class EmailRepository extends BaseRepository {
  /** The status counters of one hosting (after a change; the page's read is `statusOf`). */
  async panelCounters(hostingId: string, today: Date): Promise<PanelCounters> {
    const [row] = await this.sql.query<CounterSqlRow>(
      `SELECT ${COUNTER_COLUMNS} FROM (SELECT $1::uuid AS id) h ${COUNTER_JOIN}`,
      [hostingId, isoDay(today)],
    );
    if (!row) throw new Error("panelCounters: no row");
    return toCounters(row);
  }

  /**
   * The hosting page's most frequent call in one statement: the hosting, its owner's address and
   * its counters. Only a hosting of `ownerId` is read, unless it is null (support, the system).
   */
  async statusOf(
    serviceName: string,
    ownerId: string | null,
    today: Date,
  ): Promise<{ hosting: HostingRow; counters: PanelCounters } | null> {
    const [row] = await this.sql.query<HostingSqlRow & CounterSqlRow>(
      `SELECT ${HOSTING_COLUMNS}, ${COUNTER_COLUMNS}
         FROM "Hosting" h JOIN "User" u ON u.id = h."ownerId" ${COUNTER_JOIN}
        WHERE h."serviceName" = $1 AND ($3::uuid IS NULL OR h."ownerId" = $3::uuid)`,
      [serviceName, isoDay(today), ownerId],
    );
    if (!row) return null;
    const { sent, errors, sentToday, held, queued, nextHeldExpiry, ...hosting } = row;
    return {
      hosting: toHostingRow(hosting),
      counters: toCounters({ sent, errors, sentToday, held, queued, nextHeldExpiry }),
    };
  }

  /**
   * The volumes call in one statement: the hosting (see `visibleHostingWithRows`) and its day
   * counters between two UTC days, both included, oldest first.
   */
  volumesOf(
    serviceName: string,
    ownerId: string | null,
    first: Date,
    last: Date,
  ): Promise<{ hosting: HostingRow; rows: VolumeRow[] } | null> {
    return visibleHostingWithRows<VolumeRow>(
      this.sql,
      serviceName,
      ownerId,
      `SELECT json_agg(json_build_object(
          'day', to_char(v.day, 'YYYY-MM-DD'), 'sent', v.sent, 'errors', v.errors) ORDER BY v.day)
         FROM "DailyVolume" v
        WHERE v."hostingId" = h.id AND v.day >= $3::date AND v.day <= $4::date`,
      [isoDay(first), isoDay(last)],
    );
  }

  /**
   * The errors call in one statement: the hosting (see `visibleHostingWithRows`) and its latest
   * failed deliveries, newest first, through the (hostingId, outcome, at) index.
   */
  errorsOf(
    serviceName: string,
    ownerId: string | null,
    limit: number,
  ): Promise<{ hosting: HostingRow; rows: FailedEventRow[] } | null> {
    return visibleHostingWithRows<FailedEventRow>(
      this.sql,
      serviceName,
      ownerId,
      `SELECT json_agg(json_build_object(
          'at', ${isoTime("e.at")}, 'recipient', e.recipient, 'smtpCode', e."smtpCode",
          'text', e.text) ORDER BY e.at DESC, e.id DESC)
         FROM (SELECT id, at, recipient, "smtpCode", text FROM "DeliveryEvent"
                WHERE "hostingId" = h.id AND outcome = 'failed'
                ORDER BY at DESC, id DESC
                LIMIT $3::int) e`,
      [limit],
    );
  }

  /**
   * Blocked or purging hostings whose queued mail is still to be marked held. On block, the mail
   * waiting for delivery is held too (its expiresAt was set at ingest), and counted in the day's
   * held volume like mail held at ingest.
   */
  async hostingsWithQueuedMailWhileBlocked(): Promise<string[]> {
    const rows = await this.db.$queryRaw<{ id: string }[]>`
      SELECT h.id::text AS id FROM "Hosting" h
      WHERE h.state <> 'active' AND EXISTS (
        SELECT 1 FROM "Message" m WHERE m."hostingId" = h.id AND m.status = 'queued')`;
    return rows.map((r) => r.id);
  }

  /**
   * Marks up to `batchSize` queued messages of a blocked (or purging) hosting held, and counts
   * them in the day's held mail. Returns null when the hosting is active again.
   */
  holdBatch(hostingId: string, batchSize: number, today: Date): Promise<number | null> {
    return this.transaction(
      async (tx) => {
        const hosting = await this.lockHosting(tx, hostingId, "share");
        if (!hosting || hosting.state === "active") return null;
        return this.changeAndCount(
          tx,
          hostingId,
          today,
          "held",
          Prisma.sql`UPDATE "Message" SET status = 'held' WHERE id IN (
            SELECT id FROM "Message"
            WHERE "hostingId" = ${hostingId}::uuid AND status = 'queued'
            LIMIT ${batchSize}
            FOR UPDATE SKIP LOCKED)`,
        );
      },
      { timeout: BATCH_TIMEOUT_MS },
    );
  }

  /**
   * Runs `change` (an UPDATE or DELETE of one hosting's messages) and adds the rows it touched to
   * the day's `column`, in one statement: the day's counter is locked (in a CTE) before the
   * statement's trigger locks the queue count, the order every writer follows (see the migration
   * queue_counts). Returns how many rows it touched.
   */
  private async changeAndCount(
    tx: Tx,
    hostingId: string,
    today: Date,
    column: "held" | "purged",
    change: Prisma.Sql,
  ): Promise<number> {
    // the column name comes from a closed union, never from input
    const col = Prisma.raw(`"${column}"`);
    const [row] = await tx.$queryRaw<{ n: number }[]>`
      WITH changed AS (${change} RETURNING 1),
      n AS (SELECT count(*)::int AS n FROM changed),
      counted AS (
        INSERT INTO "DailyVolume" ("hostingId", day, ${col})
        SELECT ${hostingId}::uuid, ${isoDay(today)}::date, n FROM n WHERE n > 0
        ON CONFLICT ("hostingId", day) DO UPDATE SET ${col} = "DailyVolume".${col} + EXCLUDED.${col})
      SELECT n FROM n`;
    return row?.n ?? 0;
  }

  private async lockHosting(
    tx: Tx,
    hostingId: string,
    mode: "share" | "update",
  ): Promise<LockedHosting | null> {
    // Share locks let several purgers/releasers work on one hosting at once, while a
    // transition (which updates the row) waits for them and they wait for it.
    const rows =
      mode === "share"
        ? await tx.$queryRaw<LockedHosting[]>`
            SELECT state::text AS state, "stateChangedAt" FROM "Hosting"
            WHERE id = ${hostingId}::uuid FOR SHARE`
        : await tx.$queryRaw<LockedHosting[]>`
            SELECT state::text AS state, "stateChangedAt" FROM "Hosting"
            WHERE id = ${hostingId}::uuid FOR UPDATE`;
    const row = rows[0];
    return row ? { state: row.state, stateChangedAt: new Date(row.stateChangedAt) } : null;
  }

  /**
   * Deletes up to `batchSize` held messages accepted before the purge started and counts them in
   * today's DailyVolume.purged. Rows another process is deleting are skipped, not waited for.
   * Returns null when the hosting is no longer purging.
   */
  purgeBatch(hostingId: string, batchSize: number, today: Date): Promise<number | null> {
    return this.transaction(
      async (tx) => {
        const hosting = await this.lockHosting(tx, hostingId, "share");
        if (hosting?.state !== "purging") return null;
        return this.changeAndCount(
          tx,
          hostingId,
          today,
          "purged",
          Prisma.sql`DELETE FROM "Message" WHERE id IN (
            SELECT id FROM "Message"
            WHERE "hostingId" = ${hostingId}::uuid AND status IN ('held', 'queued')
              AND "acceptedAt" <= ${hosting.stateChangedAt}
            LIMIT ${batchSize}
            FOR UPDATE SKIP LOCKED)`,
        );
      },
      { timeout: BATCH_TIMEOUT_MS },
    );
  }

  /**
   * Locks a purging hosting for its final transition. Returns the purge start when nothing is
   * left to delete (rows still locked by another purger count as left), else null.
   */
  async lockFinishedPurge(tx: Tx, hostingId: string): Promise<Date | null> {
    const hosting = await this.lockHosting(tx, hostingId, "update");
    if (hosting?.state !== "purging") return null;
    const left = await tx.$queryRaw<unknown[]>`
      SELECT 1 FROM "Message"
      WHERE "hostingId" = ${hostingId}::uuid AND status IN ('held', 'queued')
        AND "acceptedAt" <= ${hosting.stateChangedAt}
      LIMIT 1`;
    return left.length === 0 ? hosting.stateChangedAt : null;
  }

  /**
   * Active hostings that still have held mail to release: only those whose kept count says they
   * hold some are probed (the scheduler asks every few seconds, whatever the number of hostings).
   */
  async hostingsWithHeldMail(now: Date): Promise<string[]> {
    const rows = await this.db.$queryRaw<{ id: string }[]>`
      SELECT h.id::text AS id FROM "Hosting" h JOIN "QueueCount" q ON q."hostingId" = h.id
      WHERE h.state = 'active' AND q.held > 0 AND EXISTS (
        SELECT 1 FROM "Message" m
        WHERE m."hostingId" = h.id AND m.status = 'held' AND m."expiresAt" > ${now})`;
    return rows.map((r) => r.id);
  }

  /**
   * Makes up to `batchSize` held messages of an active hosting due now, oldest first. Expired
   * mail is left to the expiry sweep. Returns null when the hosting is no longer active.
   */
  releaseBatch(hostingId: string, batchSize: number, now: Date): Promise<number | null> {
    return this.transaction(
      async (tx) => {
        // A block waits for this transaction (and vice versa), so a block never misses
        // mail that was released while it ran.
        const hosting = await this.lockHosting(tx, hostingId, "share");
        if (hosting?.state !== "active") return null;
        return tx.$executeRaw`
          UPDATE "Message" SET status = 'queued', "nextAttemptAt" = "acceptedAt", "updatedAt" = ${now}
          WHERE id IN (
            SELECT id FROM "Message"
            WHERE "hostingId" = ${hostingId}::uuid AND status = 'held' AND "expiresAt" > ${now}
            ORDER BY "acceptedAt" ASC, id ASC
            LIMIT ${batchSize}
            FOR UPDATE SKIP LOCKED)`;
      },
      { timeout: BATCH_TIMEOUT_MS },
    );
  }
}
