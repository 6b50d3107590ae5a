import { BaseRepository } from "../shared/base-repository.ts";

export class ProtectionRepository extends BaseRepository {
  /**
   * Delivered recipients, and recipients failed for their own sake, since `since` (read through
   * the hosting's event index). Failures that are the message's or the relay's own fault (a
   * content refusal, a relay that wants authentication) are not bounces: they say nothing about
   * the addresses a site sends to, and counting them would let a relay's fault block a hosting.
   * A failure of unknown kind (rows from before kinds were recorded) counts as a bounce.
   */
  async recentOutcomes(
    hostingId: string,
    since: Date,
  ): Promise<{ delivered: number; failed: number }> {
    const rows = await this.db.deliveryEvent.groupBy({
      by: ["outcome"],
      where: {
        hostingId,
        at: { gte: since },
        OR: [
          { outcome: "delivered" },
          { outcome: "failed", OR: [{ failureKind: "recipient" }, { failureKind: null }] },
        ],
      },
      _count: { _all: true },
    });
    const count = (o: string) => rows.find((r) => r.outcome === o)?._count._all ?? 0;
    return { delivered: count("delivered"), failed: count("failed") };
  }
}
