import {
  HELD_SPAM_SQL,
  HOSTING_COLUMNS,
  type HostingRow,
  isoTime,
  toHostingRow,
  visibleHostingWithRows,
} from "../hosting/hosting-repository.ts";
import type { ProtectionFigures } from "../queue/protection-gauge.ts";
import {
  acceptedCountSql,
  bounceCountsSql,
  countingStartSql,
  spamCountSql,
} from "../queue/protection-repository.ts";
import { BaseRepository } from "../shared/base-repository.ts";
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
  /** Accepted today (queued or held): what the daily limit counts. */
  acceptedToday: number;
  /** Submissions refused today, every reason. */
  refusedToday: number;
  held: number;
  queued: number;
  nextHeldExpiry: Date | null;
  /** Held mail the spam scanner flagged. */
  heldSpam: number;
  /** What the protection gauge shows. */
  protection: ProtectionFigures;
}

/**
 * Where each rule of the gauge starts counting (the hosting's last unblock moves them later),
 * and how far the bounded counts go.
 */
export interface GaugeWindows {
  bounceStart: Date;
  burstStart: Date;
  burstCap: number;
  spamStart: Date;
  spamCap: number;
}

export interface FailedEventRow {
  /** ISO time */
  at: string;
  recipient: string;
  smtpCode: number | null;
  text: string;
  /** failed for good, or deferred (refused for now, retried) */
  outcome: "failed" | "deferred";
}

/**
 * The status counters of the hosting `h` (`$2` today):
 * - totals, today's sent and accepted mail from the daily counters (one row of today: the
 *   ingest's own counter, which the daily limit reads under lock) and today's refusals (the
 *   hosting's Refusal rows of today, a range of their primary key);
 * - held and queued mail from its QueueCount row, which triggers keep exact as mail moves: a
 *   page view costs the same whether a hosting holds ten messages or a million;
 * - the next held expiry: every message expires a fixed time after it was accepted, so the
 *   oldest held message is the next to expire, one read from the end of the hosting's
 *   (status, acceptedAt) index;
 * - the bounce gauge's recipients since `bs.since` (`$4`, or the last unblock if later): whole
 *   minutes from the hosting's OutcomeMinute rows, kept by the delivery rounds, and only the
 *   first minute's events from the event index (bounceCountsSql): the same cost whether the
 *   hosting delivers ten messages an hour or fifty thousand.
 */
const COUNTER_JOIN = `CROSS JOIN LATERAL (
  SELECT COALESCE(sum(v.sent), 0)::bigint AS sent, COALESCE(sum(v.errors), 0)::bigint AS errors
    FROM "DailyVolume" v WHERE v."hostingId" = h.id) t
  LEFT JOIN "QueueCount" q ON q."hostingId" = h.id
  LEFT JOIN "DailyVolume" tv ON tv."hostingId" = h.id AND tv.day = $2::date
  CROSS JOIN LATERAL (SELECT ${countingStartSql("$4::timestamptz")} AS since) bs
  CROSS JOIN LATERAL (${bounceCountsSql("bs.since")}) b`;

/**
 * Besides: the held spam (through its partial index), and the protection gauge's figures, each
 * bounded (see protection-repository.ts): `$4` the bounce window's start, `$5`/`$6` the burst
 * window's start and cap, `$7`/`$8` the spam window's.
 */
const COUNTER_COLUMNS = `t.sent, t.errors,
  (${HELD_SPAM_SQL}) AS "heldSpam",
  b.delivered AS "bounceDelivered", b.failed AS "bounceFailed", bs.since AS "bounceSince",
  (${acceptedCountSql(countingStartSql("$5::timestamptz"), "$6::int")}) AS "burstCount",
  (${spamCountSql(countingStartSql("$7::timestamptz"), "$8::int")}) AS "spamCount",
  COALESCE(tv.sent, 0)::int AS "sentToday", COALESCE(tv.accepted, 0)::int AS "acceptedToday",
  (SELECT COALESCE(sum(r.count), 0)::int FROM "Refusal" r
    WHERE r."hostingId" = h.id AND r.day = $2::date) AS "refusedToday",
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
  acceptedToday: number;
  refusedToday: number;
  held: number;
  queued: number;
  nextHeldExpiry: Date | null;
  heldSpam: number;
  bounceDelivered: number;
  bounceFailed: number;
  bounceSince: Date | string;
  burstCount: number;
  spamCount: number;
}

function toCounters(row: CounterSqlRow): PanelCounters {
  return {
    sent: Number(row.sent),
    errors: Number(row.errors),
    sentToday: row.sentToday,
    acceptedToday: row.acceptedToday,
    refusedToday: row.refusedToday,
    held: row.held,
    queued: row.queued,
    nextHeldExpiry: row.nextHeldExpiry === null ? null : new Date(row.nextHeldExpiry),
    heldSpam: row.heldSpam,
    protection: {
      delivered: row.bounceDelivered,
      failed: row.bounceFailed,
      since: new Date(row.bounceSince),
      burst: row.burstCount,
      spam: row.spamCount,
    },
  };
}

function windowParams(w: GaugeWindows): unknown[] {
  return [
    w.bounceStart.toISOString(),
    w.burstStart.toISOString(),
    w.burstCap,
    w.spamStart.toISOString(),
    w.spamCap,
  ];
}

/**
 * The hosting page's reads, one statement each, in plain SQL (a hot path: see
 * @scripts-email/db sql-client.ts). The jobs that move mail are in email-jobs-repository.ts.
 */
export class EmailReadRepository extends BaseRepository {
  /** The status counters of one hosting (after a change; the page's read is `statusOf`). */
  async panelCounters(
    hostingId: string,
    today: Date,
    windows: GaugeWindows,
  ): Promise<PanelCounters> {
    // $3 is the owner filter of statusOf, unused here
    const [row] = await this.sql.query<CounterSqlRow>(
      `SELECT ${COUNTER_COLUMNS} FROM "Hosting" h ${COUNTER_JOIN}
        WHERE h.id = $1::uuid AND $3::uuid IS NULL`,
      [hostingId, isoDay(today), null, ...windowParams(windows)],
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
    windows: GaugeWindows,
  ): Promise<{ hosting: HostingRow; counters: PanelCounters } | null> {
    const [row] = await this.sql.query<Record<string, unknown> & CounterSqlRow>(
      `SELECT ${HOSTING_COLUMNS}, ${COUNTER_COLUMNS}
         FROM "Hosting" h JOIN "User" u ON u.id = h."ownerId" ${COUNTER_JOIN}
        WHERE h."serviceName" = $1 AND ($3::uuid IS NULL OR h."ownerId" = $3::uuid)`,
      [serviceName, isoDay(today), ownerId, ...windowParams(windows)],
    );
    if (!row) return null;
    return { hosting: toHostingRow(row), counters: toCounters(row) };
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
   * failed and deferred deliveries, newest first: the latest of each outcome read through the
   * (hostingId, outcome, at) index (each range stops after `limit` entries, with no sort over
   * the hosting's other events), then the two merged.
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
          'text', e.text, 'outcome', e.outcome) ORDER BY e.at DESC, e.id DESC)
         FROM (SELECT * FROM (
                 (SELECT id, at, recipient, "smtpCode", text, outcome FROM "DeliveryEvent"
                   WHERE "hostingId" = h.id AND outcome = 'failed'
                   ORDER BY at DESC, id DESC LIMIT $3::int)
                 UNION ALL
                 (SELECT id, at, recipient, "smtpCode", text, outcome FROM "DeliveryEvent"
                   WHERE "hostingId" = h.id AND outcome = 'deferred'
                   ORDER BY at DESC, id DESC LIMIT $3::int)) latest
                ORDER BY at DESC, id DESC LIMIT $3::int) e`,
      [limit],
    );
  }
}
