import { type ActorRole, type Hosting, Prisma } from "@scripts-email/db";
import { DomainError } from "../errors.ts";
import { BaseRepository, type Tx } from "../shared/base-repository.ts";
import type { HostingState } from "./hosting-state.ts";

export type HostingRow = Hosting & { owner: { email: string } };

export interface StateChangeRow {
  from: HostingState;
  to: HostingState;
  at: Date;
  actorId: string | null;
  actorRole: ActorRole;
  reason: string | null;
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
  /** Refuse the update when support blocked the hosting (a customer asking). */
  unlessBlockedBySupport: boolean;
}

const withOwner = { owner: { select: { email: true } } } as const;

export class HostingRepository extends BaseRepository {
  findByServiceName(serviceName: string, tx?: Tx): Promise<HostingRow | null> {
    return this.client(tx).hosting.findUnique({ where: { serviceName }, include: withOwner });
  }

  findById(id: string, tx?: Tx): Promise<HostingRow | null> {
    return this.client(tx).hosting.findUnique({ where: { id }, include: withOwner });
  }

  list(filter: { ownerId?: string; q?: string; limit: number }): Promise<HostingRow[]> {
    const where: Prisma.HostingWhereInput = {};
    if (filter.ownerId) where.ownerId = filter.ownerId;
    if (filter.q) {
      where.OR = [
        { serviceName: { contains: filter.q, mode: "insensitive" } },
        { owner: { email: { contains: filter.q, mode: "insensitive" } } },
      ];
    }
    return this.db.hosting.findMany({
      where,
      include: withOwner,
      orderBy: { serviceName: "asc" },
      take: filter.limit,
    });
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
      });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
        throw new DomainError("already_exists", { field: "serviceName" });
      }
      throw error;
    }
  }

  async setSmtpPasswordHash(id: string, smtpPasswordHash: string): Promise<void> {
    await this.db.hosting.update({ where: { id }, data: { smtpPasswordHash } });
  }

  async setReportRecipient(id: string, reportRecipient: string, tx?: Tx): Promise<void> {
    await this.client(tx).hosting.update({ where: { id }, data: { reportRecipient } });
  }

  async setAlertWebhookUrl(id: string, alertWebhookUrl: string | null, tx?: Tx): Promise<void> {
    await this.client(tx).hosting.update({ where: { id }, data: { alertWebhookUrl } });
  }

  /**
   * The conditional update behind every transition: it only applies while the hosting is still
   * in `from`, so of two concurrent requests one wins and the other sees count 0.
   */
  async transition(update: TransitionUpdate, tx?: Tx): Promise<boolean> {
    const where: Prisma.HostingWhereInput = { id: update.id, state: update.from };
    if (update.unlessBlockedBySupport) {
      where.OR = [{ blockedByRole: null }, { blockedByRole: { not: "support" } }];
    }
    const result = await this.client(tx).hosting.updateMany({
      where,
      data: {
        state: update.to,
        stateChangedAt: update.at,
        blockedByRole: update.blockedByRole,
        stateReason: update.stateReason,
      },
    });
    return result.count === 1;
  }

  async addStateChange(hostingId: string, change: StateChangeRow, tx?: Tx): Promise<void> {
    await this.client(tx).stateChange.create({ data: { hostingId, ...change } });
  }

  stateChanges(hostingId: string, limit: number): Promise<StateChangeRow[]> {
    return this.db.stateChange.findMany({
      where: { hostingId },
      orderBy: [{ at: "desc" }, { id: "desc" }],
      take: limit,
      select: { from: true, to: true, at: true, actorId: true, actorRole: true, reason: true },
    });
  }

  /** Hostings in `state`, through the state index. */
  async idsInState(state: HostingState): Promise<string[]> {
    const rows = await this.db.hosting.findMany({ where: { state }, select: { id: true } });
    return rows.map((r) => r.id);
  }
}
