import { type Database, openDatabase } from "@scripts-email/db";
import {
  createServices,
  outcomeMinuteDrift,
  queueCountDrift,
  type Services,
} from "@scripts-email/domain";
import { settleWithin } from "../../pool-probe.ts";
import { freePort } from "../../ports.ts";
import { startTestRelay, type TestRelay } from "../../test-relay.ts";
import { checkNotAborted, type ScenarioContext } from "./harness.ts";
import { type ProductOptions, type ProductProcess, startProduct } from "./product-process.ts";

/** The migrated database startPrivatePostgres creates; every scenario gets a copy of it. */
const TEMPLATE = "scripts_email";

export interface World {
  url: string;
  /** The runner's own connections (queries, reconciliation), not the product's. */
  db: Database;
  services: Services;
  hosting: { id: string; serviceName: string; password: string };
  smtpPort: number;
  httpPort: number;
  /** Starts the product on this world's database and ports (again after a kill). */
  start(relayUrl: string, options?: Partial<ProductOptions>): Promise<ProductProcess>;
  /** Subjects of this world's stored messages (one entry per row). */
  storedSubjects(): Promise<string[]>;
  /** Messages per status. */
  statuses(): Promise<Record<string, number>>;
  /** Messages not finished yet (queued or being sent). */
  unfinished(): Promise<number>;
  /**
   * Gives back the claims of a process that is dead (status `sending`): what its lease running
   * out would do, without waiting for the lease. Only call while no product
   * process is alive, so that no live worker's claim is touched. Returns their subjects.
   */
  expireDeadLeases(): Promise<string[]>;
  /** Delivery events per `outcome code` (e.g. `deferred 421`, `deferred -`, `failed 550`). */
  events(): Promise<Map<string, number>>;
  /** Subjects of messages still claimed (`sending`) by a claim made before `before`. */
  claimedBefore(before: Date): Promise<string[]>;
  /**
   * The kept queue counts that differ from the messages (see queueCountDrift), and the kept
   * per-minute outcomes that differ from the delivery events (see outcomeMinuteDrift): none
   * expected.
   */
  keptCountFailures(): Promise<string[]>;
  /** The rows of these subjects: when each was accepted, and its status. */
  rowsOf(subjects: string[]): Promise<Array<{ subject: string; acceptedAt: Date; status: string }>>;
}

let worlds = 0;

/**
 * A fresh database for one scenario (a copy of the migrated template, so scenarios never see
 * each other's mail), with one customer and one hosting with a high daily limit.
 */
export async function createWorld(ctx: ScenarioContext, serviceName: string): Promise<World> {
  checkNotAborted(ctx);
  const pg = ctx.postgres;
  const name = `chaos_${process.pid}_${++worlds}`;
  const admin = await openDatabase({
    databaseUrl: `postgresql://postgres@127.0.0.1:${pg.port}/postgres`,
    dataDir: "",
    poolSize: 1,
  });
  try {
    await admin.withSql((sql) => sql.exec(`CREATE DATABASE "${name}" TEMPLATE "${TEMPLATE}"`));
  } finally {
    await admin.close();
  }
  const url = `postgresql://postgres@127.0.0.1:${pg.port}/${name}`;
  const db = await openDatabase({ databaseUrl: url, dataDir: "", poolSize: 4 });
  // A database restart can wedge a pool: never let closing it hold the run up.
  ctx.defer(() => settleWithin(db.close(), 3_000));
  const services = createServices({ db, mail: { burst: { limit: 0, windowMs: 60_000 } } });
  const ownerEmail = `owner@${serviceName}`;
  await services.users.create({ email: ownerEmail, password: "correct horse", role: "customer" });
  const hosting = await services.hostings.create({ serviceName, ownerEmail, maxPerDay: 1_000_000 });
  const password = await services.hostings.resetSmtpPassword(serviceName);
  const smtpPort = await freePort();
  const httpPort = await freePort();

  const statuses = async () => {
    const rows = await db.prisma.message.groupBy({
      by: ["status"],
      where: { hostingId: hosting.id },
      _count: true,
    });
    return Object.fromEntries(rows.map((r) => [r.status, r._count])) as Record<string, number>;
  };
  return {
    url,
    db,
    services,
    hosting: { id: hosting.id, serviceName, password },
    smtpPort,
    httpPort,
    start: (relayUrl, options = {}) =>
      startProduct(ctx, { databaseUrl: url, smtpPort, httpPort, relayUrl, ...options }),
    async storedSubjects() {
      const rows = await db.prisma.message.findMany({
        where: { hostingId: hosting.id },
        select: { subject: true },
      });
      return rows.map((r) => r.subject);
    },
    statuses,
    async unfinished() {
      return db.prisma.message.count({
        where: { hostingId: hosting.id, status: { in: ["queued", "sending"] } },
      });
    },
    async expireDeadLeases() {
      const rows = await db.prisma.$queryRaw<Array<{ subject: string }>>`
        UPDATE "Message" SET "nextAttemptAt" = now()
         WHERE "hostingId" = ${hosting.id}::uuid AND status = 'sending' AND "nextAttemptAt" > now()
        RETURNING subject`;
      return rows.map((r) => r.subject);
    },
    async events() {
      const rows = await db.prisma.deliveryEvent.groupBy({
        by: ["outcome", "smtpCode"],
        where: { hostingId: hosting.id },
        _count: true,
      });
      return new Map(rows.map((r) => [`${r.outcome} ${r.smtpCode ?? "-"}`, r._count]));
    },
    async claimedBefore(before) {
      const rows = await db.prisma.message.findMany({
        where: { hostingId: hosting.id, status: "sending", updatedAt: { lt: before } },
        select: { subject: true },
      });
      return rows.map((r) => r.subject);
    },
    async keptCountFailures() {
      return [
        ...(await queueCountDrift(db.sql)).map((line) => `queue counts drifted: ${line}`),
        ...(await outcomeMinuteDrift(db.sql)).map((line) => `outcomes drifted: ${line}`),
      ];
    },
    rowsOf(subjects) {
      return db.prisma.message.findMany({
        where: { hostingId: hosting.id, subject: { in: subjects } },
        select: { subject: true, acceptedAt: true, status: true },
        orderBy: { acceptedAt: "asc" },
      });
    },
  };
}

/** A test relay that the scenario closes (bounded: pooled client connections may linger). */
export async function startRelay(ctx: ScenarioContext, port = 0, delayMs = 0): Promise<TestRelay> {
  checkNotAborted(ctx);
  const relay = await startTestRelay(port, { delayMs });
  ctx.defer(() => settleWithin(relay.close(), 2_000));
  return relay;
}
