import {
  type ActorRole,
  type AlertKind,
  type BlockCause,
  type Hosting,
  modelColumns,
  Prisma,
  type SqlQuery,
} from "@scripts-email/db";
import { DomainError } from "../errors.ts";
import { uuidV7 } from "../queue/uuid-v7.ts";
import { BaseRepository, PREPARED, type Tx } from "../shared/base-repository.ts";
import type { HostingState } from "./hosting-state.ts";

export interface StateChangeRow {
  from: HostingState;
  to: HostingState;
  at: Date;
  actorId: string | null;
  actorRole: ActorRole;
  reason: string | null;
}

/** A state change as the history call reads it: its time an ISO string. */
export interface StateChangeJson {
  id: string;
  from: HostingState;
  to: HostingState;
  at: string;
  actorId: string | null;
  actorRole: ActorRole;
  reason: string | null;
  actorEmail: string | null;
}

export interface TransitionUpdate {
  id: string;
  from: HostingState;
  to: HostingState;
  at: Date;
  /** Undefined keeps the current value. */
  blockedByRole: ActorRole | null | undefined;
  /** Undefined keeps the current reason. */
  stateReason: string | null | undefined;
  /** Why it is blocked; undefined keeps the current cause, null clears it. */
  blockCause: BlockCause | null | undefined;
  /** Refuse the update when support blocked the hosting (a customer asking). */
  unlessBlockedBySupport: boolean;
  /** Until when the bounce threshold is doubled; undefined keeps the current value. */
  bounceRelaxedUntil?: Date | undefined;
}

/** The held mail of the hosting `h` that the spam scanner flagged (part of its held mail). */
export const HELD_SPAM_SQL = `SELECT count(*)::int FROM "Message" m
   WHERE m."hostingId" = h.id AND m.status = 'held' AND m.spam`;

/** Never read with the hosting: only the webhook sender needs the key (see webhook-secret.ts). */
const HOSTING_OMIT = { alertWebhookSecret: true } as const;

/** Every other column of Hosting, as the hot paths select it (`h`): derived from the schema. */
export const HOSTING = modelColumns(
  "Hosting",
  "h",
  Object.keys(HOSTING_OMIT) as (keyof typeof HOSTING_OMIT)[],
);

export type HostingRow = Omit<Hosting, keyof typeof HOSTING_OMIT> & { owner: { email: string } };

const withOwner = { owner: { select: { email: true } } } as const;

/** The SELECT list of a hosting row: every column of Hosting (`h`) and its owner's address (`u`). */
export const HOSTING_COLUMNS = `${HOSTING.sql}, u.email AS "ownerEmail"`;

/** A timestamptz column as `toISOString()` writes it (the columns keep milliseconds). */
export function isoTime(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/**
 * A hosting page call in one statement: the hosting named `serviceName` (only one of `ownerId`,
 * unless that is null: support, the system) and the JSON array that `rowsSql` builds about it.
 * `rowsSql` reads the hosting as `h` and its own parameters from `$3`, and formats times itself
 * (`isoTime`): JSON has none. Callers still check `canSee` on the hosting.
 */
export async function visibleHostingWithRows<T>(
  sql: SqlQuery,
  serviceName: string,
  ownerId: string | null,
  rowsSql: string,
  params: readonly unknown[],
): Promise<{ hosting: HostingRow; rows: T[] } | null> {
  const [row] = await sql.query<Record<string, unknown> & { rows: T[] }>(
    `SELECT ${HOSTING_COLUMNS}, COALESCE((${rowsSql}), '[]'::json) AS rows
       FROM "Hosting" h JOIN "User" u ON u.id = h."ownerId"
      WHERE h."serviceName" = $1 AND ($2::uuid IS NULL OR h."ownerId" = $2::uuid)`,
    [serviceName, ownerId, ...params],
  );
  if (!row) return null;
  return { hosting: toHostingRow(row), rows: row.rows };
}

/** A row selected with `HOSTING_COLUMNS` (and perhaps more columns, left out) as a HostingRow. */
export function toHostingRow(row: Record<string, unknown>): HostingRow {
  return { ...HOSTING.read(row), owner: { email: row.ownerEmail as string } };
}

export class HostingRepository extends BaseRepository {
  /**
   * Every hosting page request starts here: plain SQL (see @scripts-email/db sql-client.ts), in
   * the caller's transaction when given one.
   */
  findByServiceName(serviceName: string, tx?: Tx): Promise<HostingRow | null> {
    return this.findOne(`h."serviceName" = $1`, serviceName, tx);
  }

  findById(id: string, tx?: Tx): Promise<HostingRow | null> {
    return this.findOne(`h.id = $1::uuid`, id, tx);
  }

  private async findOne(condition: string, value: string, tx?: Tx): Promise<HostingRow | null> {
    const [row] = await this.sqlIn(tx).query<Record<string, unknown>>(
      `SELECT ${HOSTING_COLUMNS} FROM "Hosting" h JOIN "User" u ON u.id = h."ownerId"
        WHERE ${condition}`,
      [value],
      // a unique key's lookup (one plan fits every hosting), run by every SMTP AUTH
      PREPARED,
    );
    return row ? toHostingRow(row) : null;
  }

  async create(data: {
    serviceName: string;
    ownerId: string;
    reportRecipient: string | null;
    maxPerDay: number;
    at: Date;
  }): Promise<HostingRow> {
    try {
      const { at, ...fields } = data;
      return await this.db.hosting.create({
        data: { ...fields, stateChangedAt: at, createdAt: at },
        include: withOwner,
        omit: HOSTING_OMIT,
      });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
        throw new DomainError("already_exists", { field: "serviceName" });
      }
      throw error;
    }
  }

  async setSmtpPasswordHash(id: string, smtpPasswordHash: string, tx?: Tx): Promise<void> {
    await this.sqlIn(tx).query(
      `UPDATE "Hosting" SET "smtpPasswordHash" = $2::text WHERE id = $1::uuid`,
      [id, smtpPasswordHash],
    );
  }

  // The settings' writes are plain SQL like the reads and the audit entries of their request.
  async setReportRecipient(id: string, reportRecipient: string, tx?: Tx): Promise<void> {
    await this.sqlIn(tx).query(
      `UPDATE "Hosting" SET "reportRecipient" = $2::text WHERE id = $1::uuid`,
      [id, reportRecipient],
    );
  }

  async setAlertWebhookUrl(id: string, alertWebhookUrl: string | null, tx?: Tx): Promise<void> {
    await this.sqlIn(tx).query(
      `UPDATE "Hosting" SET "alertWebhookUrl" = $2::text WHERE id = $1::uuid`,
      [id, alertWebhookUrl],
    );
  }

  /** The alert kinds the hosting turned off (see alert-choice.ts). */
  async setAlertsOff(id: string, kinds: readonly AlertKind[], tx?: Tx): Promise<void> {
    await this.sqlIn(tx).query(
      `UPDATE "Hosting" SET "alertsOff" = $2::text[]::"AlertKind"[] WHERE id = $1::uuid`,
      [id, kinds],
    );
  }

  /**
   * Sets the daily limit and returns the one it replaces (null: no such hosting), in one
   * statement: the row is locked while its old value is read, so two concurrent changes each
   * report the value the other left. The ingest reads the limit at each batch (lockHostings).
   */
  async setMaxPerDay(id: string, maxPerDay: number, tx?: Tx): Promise<number | null> {
    const [row] = await this.sqlIn(tx).query<{ previous: number }>(
      `UPDATE "Hosting" h SET "maxPerDay" = $2::int
         FROM (SELECT id, "maxPerDay" AS previous FROM "Hosting" WHERE id = $1::uuid FOR UPDATE) o
        WHERE h.id = o.id
       RETURNING o.previous`,
      [id, maxPerDay],
    );
    return row ? row.previous : null;
  }

  /** The extra sender domains, locked until the end of `tx`: changes are read-modify-write. */
  async lockSenderDomains(id: string, tx: Tx): Promise<string[] | null> {
    const [row] = await this.sqlIn(tx).query<{ senderDomains: string[] }>(
      `SELECT "senderDomains" FROM "Hosting" WHERE id = $1::uuid FOR UPDATE`,
      [id],
    );
    return row ? row.senderDomains : null;
  }

  async setSenderDomains(id: string, senderDomains: string[], tx?: Tx): Promise<void> {
    await this.sqlIn(tx).query(
      `UPDATE "Hosting" SET "senderDomains" = $2::text[] WHERE id = $1::uuid`,
      [id, senderDomains],
    );
  }

  /**
   * The conditional update behind every transition: it only applies while the hosting is still
   * in `from`, so of two concurrent requests one wins and the other sees no row. Plain SQL like
   * the reads around it (one style per request).
   */
  async transition(update: TransitionUpdate, tx?: Tx): Promise<boolean> {
    const rows = await this.sqlIn(tx).query(
      `UPDATE "Hosting"
          SET state = $3::"HostingState", "stateChangedAt" = $4::timestamptz,
              "blockedByRole" = CASE WHEN $5::boolean THEN "blockedByRole"
                                     ELSE $6::"ActorRole" END,
              "stateReason" = CASE WHEN $7::boolean THEN "stateReason" ELSE $8::text END,
              "blockCause" = CASE WHEN $10::boolean THEN "blockCause"
                                  ELSE $11::"BlockCause" END,
              "bounceRelaxedUntil" = CASE WHEN $12::boolean THEN "bounceRelaxedUntil"
                                          ELSE $13::timestamptz END
        WHERE id = $1::uuid AND state = $2::"HostingState"
          AND (NOT $9::boolean OR "blockedByRole" IS DISTINCT FROM 'support')
       RETURNING 1 AS won`,
      [
        update.id,
        update.from,
        update.to,
        update.at.toISOString(),
        update.blockedByRole === undefined,
        update.blockedByRole ?? null,
        update.stateReason === undefined,
        update.stateReason ?? null,
        update.unlessBlockedBySupport,
        update.blockCause === undefined,
        update.blockCause ?? null,
        update.bounceRelaxedUntil === undefined,
        update.bounceRelaxedUntil?.toISOString() ?? null,
      ],
    );
    return rows.length === 1;
  }

  /** How much held mail of the hosting the spam scanner flagged (see `HELD_SPAM_SQL`). */
  async heldSpam(hostingId: string, tx?: Tx): Promise<number> {
    const [row] = await this.sqlIn(tx).query<{ n: number }>(
      `SELECT (${HELD_SPAM_SQL}) AS n FROM (SELECT $1::uuid AS id) h`,
      [hostingId],
    );
    return row?.n ?? 0;
  }

  async addStateChange(hostingId: string, change: StateChangeRow, tx?: Tx): Promise<void> {
    // a v7 id of the time of writing, as Prisma's default made it: it orders changes of one instant
    await this.sqlIn(tx).query(
      `INSERT INTO "StateChange" (id, "hostingId", "from", "to", at, "actorId", "actorRole", reason)
       VALUES ($1::uuid, $2::uuid, $3::"HostingState", $4::"HostingState", $5::timestamptz,
               $6::uuid, $7::"ActorRole", $8::text)`,
      [
        uuidV7(),
        hostingId,
        change.from,
        change.to,
        change.at.toISOString(),
        change.actorId,
        change.actorRole,
        change.reason,
      ],
    );
  }

  /**
   * The history call in one statement: the hosting (see `visibleHostingWithRows`) and its
   * latest state changes, newest first, with the acting user's address (null once that user is
   * gone). `before` (a change's id) pages on: the changes older than that one, by the
   * (hostingId, at DESC) index; an id that is not this hosting's gives none.
   */
  historyOf(
    serviceName: string,
    ownerId: string | null,
    limit: number,
    before?: string,
  ): Promise<{ hosting: HostingRow; rows: StateChangeJson[] } | null> {
    return visibleHostingWithRows<StateChangeJson>(
      this.sql,
      serviceName,
      ownerId,
      `SELECT json_agg(json_build_object(
          'id', c.id,
          'from', c."from", 'to', c."to", 'at', ${isoTime("c.at")}, 'actorId', c."actorId",
          'actorRole', c."actorRole", 'reason', c.reason, 'actorEmail', c."actorEmail")
          ORDER BY c.at DESC, c.id DESC)
        FROM (SELECT s.*, u.email AS "actorEmail"
                FROM "StateChange" s LEFT JOIN "User" u ON u.id = s."actorId"
               WHERE s."hostingId" = h.id
                 AND ($4::uuid IS NULL OR (s.at, s.id) < (
                       SELECT b.at, b.id FROM "StateChange" b
                        WHERE b.id = $4::uuid AND b."hostingId" = h.id))
               ORDER BY s.at DESC, s.id DESC
               LIMIT $3::int) c`,
      [limit, before ?? null],
    );
  }

  /** Hostings in `state`, through the state index. */
  async idsInState(state: HostingState): Promise<string[]> {
    const rows = await this.db.hosting.findMany({ where: { state }, select: { id: true } });
    return rows.map((r) => r.id);
  }
}
