import { type DeliveryEvent, Prisma } from "@scripts-email/db";
import { BaseRepository, type Tx } from "../shared/base-repository.ts";
import { isoDay } from "../shared/time.ts";

export interface VolumeRow {
  day: Date;
  sent: number;
  errors: number;
}

interface LockedHosting {
  state: string;
  stateChangedAt: Date;
}

/** Batch jobs delete or update thousands of rows per transaction: more than the default 10 s. */
const BATCH_TIMEOUT_MS = 60_000;

export class EmailRepository extends BaseRepository {
  async volumeTotals(hostingId: string): Promise<{ sent: number; errors: number }> {
    const totals = await this.db.dailyVolume.aggregate({
      where: { hostingId },
      _sum: { sent: true, errors: true },
    });
    return { sent: totals._sum.sent ?? 0, errors: totals._sum.errors ?? 0 };
  }

  async sentOn(hostingId: string, day: Date): Promise<number> {
    const row = await this.db.dailyVolume.findUnique({
      where: { hostingId_day: { hostingId, day } },
      select: { sent: true },
    });
    return row?.sent ?? 0;
  }

  volumesBetween(hostingId: string, first: Date, last: Date): Promise<VolumeRow[]> {
    return this.db.dailyVolume.findMany({
      where: { hostingId, day: { gte: first, lte: last } },
      select: { day: true, sent: true, errors: true },
      orderBy: { day: "asc" },
    });
  }

  /**
   * Held and queued mail, each counted up to `cap`: a page view must cost the same whether a
   * hosting holds ten messages or a million. The statuses are written as enum literals so that
   * the (hostingId, status, …) index bounds the scan (a text cast would not).
   */
  async queueCounts(hostingId: string, cap: number): Promise<{ held: number; queued: number }> {
    const count = async (statuses: Prisma.Sql) => {
      const [row] = await this.db.$queryRaw<Array<{ n: number }>>`
        SELECT count(*)::int AS n FROM (
          SELECT 1 FROM "Message"
           WHERE "hostingId" = ${hostingId}::uuid AND status IN (${statuses})
           LIMIT ${cap}) capped`;
      return row?.n ?? 0;
    };
    const [held, queued] = await Promise.all([
      count(Prisma.sql`'held'`),
      count(Prisma.sql`'queued', 'sending'`),
    ]);
    return { held, queued };
  }

  /**
   * Every message expires a fixed time after it was accepted, so the oldest held message is the
   * next to expire: one read from the end of the hosting's (status, acceptedAt) index.
   */
  async nextHeldExpiry(hostingId: string): Promise<Date | null> {
    const oldest = await this.db.message.findFirst({
      where: { hostingId, status: "held" },
      orderBy: [{ acceptedAt: "asc" }, { id: "asc" }],
      select: { expiresAt: true },
    });
    return oldest?.expiresAt ?? null;
  }

  failedEvents(hostingId: string, limit: number): Promise<DeliveryEvent[]> {
    return this.db.deliveryEvent.findMany({
      where: { hostingId, outcome: "failed" },
      orderBy: [{ at: "desc" }, { id: "desc" }],
      take: limit,
    });
  }

  /**
   * On block: the mail waiting for delivery is held too (its expiresAt was set at ingest), and
   * counted in the day's held volume like mail held at ingest.
   */
  /** Blocked or purging hostings whose queued mail is still to be marked held. */
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
        const held = await tx.$executeRaw`
          UPDATE "Message" SET status = 'held' WHERE id IN (
            SELECT id FROM "Message"
            WHERE "hostingId" = ${hostingId}::uuid AND status = 'queued'
            LIMIT ${batchSize}
            FOR UPDATE SKIP LOCKED)`;
        if (held > 0) {
          await tx.$executeRaw`
            INSERT INTO "DailyVolume" ("hostingId", day, held)
            VALUES (${hostingId}::uuid, ${isoDay(today)}::date, ${held})
            ON CONFLICT ("hostingId", day) DO UPDATE SET held = "DailyVolume".held + EXCLUDED.held`;
        }
        return held;
      },
      { timeout: BATCH_TIMEOUT_MS },
    );
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
        const deleted = await tx.$executeRaw`
          DELETE FROM "Message" WHERE id IN (
            SELECT id FROM "Message"
            WHERE "hostingId" = ${hostingId}::uuid AND status IN ('held', 'queued')
              AND "acceptedAt" <= ${hosting.stateChangedAt}
            LIMIT ${batchSize}
            FOR UPDATE SKIP LOCKED)`;
        if (deleted > 0) {
          await tx.$executeRaw`
            INSERT INTO "DailyVolume" ("hostingId", day, purged)
            VALUES (${hostingId}::uuid, ${isoDay(today)}::date, ${deleted})
            ON CONFLICT ("hostingId", day)
            DO UPDATE SET purged = "DailyVolume".purged + EXCLUDED.purged`;
        }
        return deleted;
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

  /** Active hostings that still have held mail to release (one index probe per hosting). */
  async hostingsWithHeldMail(now: Date): Promise<string[]> {
    const rows = await this.db.$queryRaw<{ id: string }[]>`
      SELECT h.id::text AS id FROM "Hosting" h
      WHERE h.state = 'active' AND EXISTS (
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
