import { BaseRepository } from "../shared/base-repository.ts";

export class ProtectionRepository extends BaseRepository {
  activeHosting(id: string) {
    return this.db.hosting.findFirst({
      where: { id, state: "active" },
      select: { serviceName: true },
    });
  }

  /** Delivered and failed recipients since `since` (read through the hosting's event index). */
  async recentOutcomes(
    hostingId: string,
    since: Date,
  ): Promise<{ delivered: number; failed: number }> {
    const rows = await this.db.deliveryEvent.groupBy({
      by: ["outcome"],
      where: { hostingId, at: { gte: since }, outcome: { in: ["delivered", "failed"] } },
      _count: { _all: true },
    });
    const count = (o: string) => rows.find((r) => r.outcome === o)?._count._all ?? 0;
    return { delivered: count("delivered"), failed: count("failed") };
  }
}
