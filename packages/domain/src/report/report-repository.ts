import { uuidV7 } from "../queue/uuid-v7.ts";
import { BaseRepository, type Tx } from "../shared/base-repository.ts";
import { isoDay } from "../shared/time.ts";
import type { ErrorEvent } from "./report-content.ts";

export interface ReportHosting {
  id: string;
  serviceName: string;
  reportRecipient: string | null;
  ownerEmail: string;
  ownerLocale: string;
}

export interface ReportRunRow {
  day: Date;
  recipient: string;
  errorCount: number;
  /** Status of the report's message; null when it is gone. */
  messageStatus: string | null;
}

interface Range {
  start: Date;
  end: Date;
}

export class ReportRepository extends BaseRepository {
  /** Hostings with errors on any of these UTC days: reads the day index of DailyVolume. */
  async hostingsWithErrors(utcDays: Date[]): Promise<string[]> {
    const rows = await this.db.$queryRaw<Array<{ id: string }>>`
      SELECT DISTINCT "hostingId"::text AS id FROM "DailyVolume"
       WHERE day = ANY(${utcDays.map(isoDay)}::date[]) AND errors > 0
       ORDER BY id`;
    return rows.map((r) => r.id);
  }

  /** Hostings with submissions refused on this UTC day: reads the day index of Refusal. */
  async hostingsWithRefusals(utcDay: Date): Promise<string[]> {
    const rows = await this.db.$queryRaw<Array<{ id: string }>>`
      SELECT DISTINCT "hostingId"::text AS id FROM "Refusal"
       WHERE day = ${isoDay(utcDay)}::date AND count > 0
       ORDER BY id`;
    return rows.map((r) => r.id);
  }

  /** Of these hostings, those whose report for `day` exists already. */
  async reportedOn(hostingIds: string[], day: Date): Promise<Set<string>> {
    if (hostingIds.length === 0) return new Set();
    const rows = await this.db.reportRun.findMany({
      where: { hostingId: { in: hostingIds }, day },
      select: { hostingId: true },
    });
    return new Set(rows.map((r) => r.hostingId));
  }

  /** Exact count through the (hostingId, outcome, at) index. */
  countErrors(hostingId: string, range: Range): Promise<number> {
    return this.db.deliveryEvent.count({
      where: { hostingId, outcome: "failed", at: { gte: range.start, lt: range.end } },
    });
  }

  errorEvents(hostingId: string, range: Range, limit: number): Promise<ErrorEvent[]> {
    return this.db.deliveryEvent.findMany({
      where: { hostingId, outcome: "failed", at: { gte: range.start, lt: range.end } },
      orderBy: [{ at: "asc" }, { id: "asc" }],
      take: limit,
      select: { at: true, recipient: true, smtpCode: true, text: true },
    });
  }

  async hosting(where: { id: string } | { serviceName: string }): Promise<ReportHosting | null> {
    const h = await this.db.hosting.findUnique({
      where,
      select: {
        id: true,
        serviceName: true,
        reportRecipient: true,
        owner: { select: { email: true, locale: true } },
      },
    });
    return h
      ? {
          id: h.id,
          serviceName: h.serviceName,
          reportRecipient: h.reportRecipient,
          ownerEmail: h.owner.email,
          ownerLocale: h.owner.locale,
        }
      : null;
  }

  /**
   * Records the run; null when the hosting's report for the day exists. A concurrent insert of
   * the same key waits here until the other transaction ends, then sees it (or, if that one
   * rolled back, inserts).
   */
  async insertRun(
    tx: Tx,
    run: { hostingId: string; day: Date; recipient: string; errorCount: number; at: Date },
  ): Promise<string | null> {
    const rows = await tx.$queryRaw<Array<{ id: string }>>`
      INSERT INTO "ReportRun" (id, "hostingId", day, recipient, "errorCount", "createdAt")
      VALUES (${uuidV7(run.at)}::uuid, ${run.hostingId}::uuid, ${isoDay(run.day)}::date,
              ${run.recipient}, ${run.errorCount}, ${run.at})
      ON CONFLICT ("hostingId", day) DO NOTHING
      RETURNING id::text AS id`;
    return rows[0]?.id ?? null;
  }

  async setRunMessage(tx: Tx, runId: string, messageId: string): Promise<void> {
    await tx.reportRun.update({ where: { id: runId }, data: { messageId } });
  }

  async recent(hostingId: string, limit: number): Promise<ReportRunRow[]> {
    const rows = await this.db.reportRun.findMany({
      where: { hostingId },
      orderBy: { day: "desc" },
      take: limit,
      select: {
        day: true,
        recipient: true,
        errorCount: true,
        message: { select: { status: true } },
      },
    });
    return rows.map((r) => ({
      day: r.day,
      recipient: r.recipient,
      errorCount: r.errorCount,
      messageStatus: r.message?.status ?? null,
    }));
  }
}
