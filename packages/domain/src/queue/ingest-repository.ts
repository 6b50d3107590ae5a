import { type MessageSource, prismaQuery, type SqlQuery } from "@scripts-email/db";
import { BaseRepository, PREPARED, type Tx } from "../shared/base-repository.ts";
import { storableOrNull, storableText } from "../shared/storable-text.ts";
import { hourOf, isoDay } from "../shared/time.ts";
import { acceptedCountSql, countingStartSql } from "./protection-repository.ts";

export interface NewMessageRow {
  id: string;
  /** Null for system mail. */
  hostingId: string | null;
  envelopeFrom: string;
  recipients: string[];
  subject: string;
  messageIdHeader: string | null;
  size: number;
  raw: Buffer;
  status: "queued" | "held";
  /** Queued mail is due at once (`acceptedAt`); held mail is not due. */
  expiresAt: Date;
  acceptedAt: Date;
  source: MessageSource;
  originatingScript: string | null;
  /** What the message is counted under: see scriptOf (message/script-name.ts). */
  script: string;
}

export interface IngestHosting {
  id: string;
  serviceName: string;
  state: "active" | "blocked" | "purging";
  maxPerDay: number;
  /** Scripts whose new mail is held while the rest of the hosting's mail is queued. */
  heldScripts: string[];
  /** Messages accepted today so far, with the day's counter row locked until commit. */
  usedToday: number;
}

/** Messages a batch adds to a hosting's day. */
export interface DailyAddition {
  hostingId: string;
  accepted: number;
  held: number;
}

/**
 * The ingest's writes, in plain SQL (the hot path: see @scripts-email/db sql-client.ts). A batch is
 * two statements inside one transaction, whatever its number of messages and hostings.
 */
export class IngestRepository extends BaseRepository {
  /** One transaction of plain SQL (see @scripts-email/db sql-client.ts). */
  batch<T>(fn: (q: SqlQuery) => Promise<T>): Promise<T> {
    return this.sql.transaction(fn);
  }

  /**
   * Reads the hostings' state under a share lock (a block that commits while these messages are
   * being stored waits for them, then holds them with the rest of the queue), then locks their
   * counter of the day, created if needed, and reads how much of it is used: one statement, the
   * hostings locked first. DO UPDATE (not DO NOTHING) so that an existing counter is locked and
   * read in the same step.
   */
  async lockHostings(q: SqlQuery, ids: string[], day: Date): Promise<Map<string, IngestHosting>> {
    const rows = await q.query<IngestHosting>(
      `WITH h AS (
         SELECT id, "serviceName", state, "maxPerDay", "heldScripts" FROM "Hosting"
          WHERE id = ANY($1::uuid[]) ORDER BY id FOR SHARE),
       d AS (
         INSERT INTO "DailyVolume" ("hostingId", day)
         SELECT id, $2::date FROM h ORDER BY id
         ON CONFLICT ("hostingId", day) DO UPDATE SET accepted = "DailyVolume".accepted
         RETURNING "hostingId", accepted)
       SELECT h.id::text AS id, h."serviceName", h.state::text AS state, h."maxPerDay",
              COALESCE(h."heldScripts", '{}') AS "heldScripts", d.accepted AS "usedToday"
         FROM h JOIN d ON d."hostingId" = h.id`,
      [ids, isoDay(day)],
      PREPARED,
    );
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** Inserts the messages and adds them to their hostings' day, in one statement. */
  async insertMessages(
    q: SqlQuery,
    rows: NewMessageRow[],
    day?: Date,
    additions: DailyAddition[] = [],
  ): Promise<void> {
    if (rows.length === 0) return;
    // Every text that comes from a message is made storable here, the one way into the table:
    // one message's bytes must never fail the statement that stores other hostings' mail.
    const columns = [
      rows.map((r) => r.id),
      rows.map((r) => r.hostingId),
      rows.map((r) => storableText(r.envelopeFrom)),
      rows.map((r) => JSON.stringify(r.recipients.map(storableText))),
      rows.map((r) => storableText(r.subject)),
      rows.map((r) => storableOrNull(r.messageIdHeader)),
      rows.map((r) => r.size),
      rows.map((r) => r.status),
      rows.map((r) => r.expiresAt.toISOString()),
      rows.map((r) => r.acceptedAt.toISOString()),
      rows.map((r) => r.source),
      rows.map((r) => storableOrNull(r.originatingScript)),
      rows.map((r) => storableText(r.script)),
    ];
    // Each content is a parameter of its own: sent as binary, not as a hex array literal. Their
    // number is rounded up to a power of two (the extra ones null, and unnest's rows past the
    // batch skipped), so that a few statement texts serve every batch size: each text is prepared
    // once per connection (see @scripts-email/db sql-client.ts).
    const slots = 2 ** Math.ceil(Math.log2(rows.length));
    const raws = Array.from({ length: slots }, (_, i) => `$${columns.length + 1 + i}`).join(", ");
    const insert = `
      INSERT INTO "Message" (id, "hostingId", "envelopeFrom", recipients, subject,
                             "messageIdHeader", size, raw, status, "nextAttemptAt", "expiresAt",
                             "acceptedAt", "updatedAt", source, "originatingScript", script)
      SELECT r.id, r.hosting, r.sender, ARRAY(SELECT jsonb_array_elements_text(r.recipients)),
             r.subject, r.mid, r.size, r.raw, r.status::"MessageStatus",
             CASE WHEN r.status = 'queued' THEN r.accepted END, r.expires, r.accepted, r.accepted,
             r.source::"MessageSource", r.origin, r.script
        FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::jsonb[], $5::text[], $6::text[],
                    $7::int[], $8::text[], $9::timestamptz[], $10::timestamptz[], $11::text[],
                    $12::text[], $13::text[], ARRAY[${raws}]::bytea[])
             AS r(id, hosting, sender, recipients, subject, mid, size, status, expires, accepted,
                  source, origin, script, raw)
       WHERE r.id IS NOT NULL`;
    const params = [
      ...columns,
      ...rows.map((r) => r.raw),
      ...Array.from({ length: slots - rows.length }, () => null),
    ];
    if (additions.length === 0 || !day) {
      await q.query(insert, params, PREPARED);
      return;
    }
    const n = params.length;
    // The hour's counters (support's fleet view) are upserted after the day's, which
    // lockHostings locked already: every writer locks DailyVolume before HourlyVolume.
    await q.query(
      `WITH inserted AS (${insert} RETURNING 1),
       hourly AS (
         INSERT INTO "HourlyVolume" ("hostingId", hour, accepted, held)
         SELECT a.id, $${n + 5}::timestamptz, a.accepted, a.held
           FROM unnest($${n + 1}::uuid[], $${n + 2}::int[], $${n + 3}::int[]) AS a(id, accepted, held)
          ORDER BY a.id
         ON CONFLICT ("hostingId", hour) DO UPDATE
            SET accepted = "HourlyVolume".accepted + EXCLUDED.accepted,
                held = "HourlyVolume".held + EXCLUDED.held)
       UPDATE "DailyVolume" d SET accepted = d.accepted + a.accepted, held = d.held + a.held
         FROM unnest($${n + 1}::uuid[], $${n + 2}::int[], $${n + 3}::int[]) AS a(id, accepted, held)
        WHERE d."hostingId" = a.id AND d.day = $${n + 4}::date`,
      [
        ...params,
        additions.map((a) => a.hostingId),
        additions.map((a) => a.accepted),
        additions.map((a) => a.held),
        isoDay(day),
        hourOf(rows[0]?.acceptedAt ?? day).toISOString(),
      ],
      PREPARED,
    );
  }

  /** The product's own mail: inside the caller's transaction when given. */
  async insertSystemMessage(row: NewMessageRow, tx?: Tx): Promise<void> {
    if (tx) await this.insertMessages(prismaQuery(tx), [row]);
    else await this.insertMessages(this.sql, [row]);
  }

  /**
   * Messages the hosting accepted after `since`, or after its last unblock if later (old counts
   * do not block it again at once), counted up to `cap` (bounded work).
   */
  async countAcceptedSince(hostingId: string, since: Date, cap: number): Promise<number> {
    const [row] = await this.sql.query<{ n: number }>(
      `SELECT (${acceptedCountSql(countingStartSql("$2::timestamptz"), "$3::int")}) AS n
         FROM "Hosting" h WHERE h.id = $1::uuid`,
      [hostingId, since.toISOString(), cap],
    );
    return row?.n ?? 0;
  }
}
