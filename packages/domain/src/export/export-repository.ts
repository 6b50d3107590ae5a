import type { DeliveryOutcome } from "@scripts-email/db";
import { BaseRepository } from "../shared/base-repository.ts";

/** One row of the errors export: a failed or deferred delivery and its message's subject. */
export interface ErrorExportRow {
  id: string;
  at: Date;
  outcome: DeliveryOutcome;
  recipient: string;
  smtpCode: number | null;
  text: string;
  messageId: string;
  subject: string;
}

export interface EventPosition {
  at: Date;
  id: string;
}

export class ExportRepository extends BaseRepository {
  /**
   * A batch of a hosting's failed and deferred deliveries after `after`, newest first on
   * (at, id): one range of the (hostingId, outcome, at, id) index per outcome, merged, each
   * starting at the cursor, then each row's message by its key.
   */
  errorsBatch(
    hostingId: string,
    after: EventPosition | undefined,
    take: number,
  ): Promise<ErrorExportRow[]> {
    const params: unknown[] = [hostingId];
    let keyset = "";
    if (after) {
      params.push(after.at.toISOString(), after.id);
      keyset = `AND e.at <= $2::timestamptz AND (e.at < $2::timestamptz OR e.id < $3::uuid)`;
    }
    const limit = Math.trunc(take);
    const branch = (outcome: DeliveryOutcome) =>
      `(SELECT e.id, e.at, e.outcome, e.recipient, e."smtpCode", e.text, e."messageId"
          FROM "DeliveryEvent" e
         WHERE e."hostingId" = $1::uuid AND e.outcome = '${outcome}' ${keyset}
         ORDER BY e.at DESC, e.id DESC LIMIT ${limit})`;
    return this.sql.query<ErrorExportRow>(
      `SELECT e.id::text AS id, e.at, e.outcome::text AS outcome, e.recipient, e."smtpCode",
              e.text, e."messageId"::text AS "messageId", COALESCE(m.subject, '') AS subject
         FROM (SELECT * FROM (${branch("failed")} UNION ALL ${branch("deferred")}) u
                ORDER BY u.at DESC, u.id DESC LIMIT ${limit}) e
         LEFT JOIN "Message" m ON m.id = e."messageId"
        ORDER BY e.at DESC, e.id DESC`,
      params,
    );
  }
}
