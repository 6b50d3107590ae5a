// Helpers for the integration tests: real services over a fresh database of their own.
import { randomUUID } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "@scripts-email/db/testing";
import type { Actor } from "../actor.ts";
import { HOUR, ManualClock } from "../clock.ts";
import type { HostingRecord } from "../hosting/hosting-service.ts";
import { createServices } from "../index.ts";
import { outcomeMinuteDrift } from "../queue/outcome-minute.ts";
import { queueCountDrift } from "../queue/queue-count.ts";
import type { Services, ServicesOptions } from "../services.ts";
import type { UserRecord } from "../user/user-service.ts";

export interface World {
  db: TestDatabase;
  clock: ManualClock;
  services: Services;
  customer: Actor & { kind: "user" };
  other: Actor & { kind: "user" };
  support: Actor & { kind: "user" };
  hosting: HostingRecord;
  otherHosting: HostingRecord;
}

export const PASSWORD = "correct horse battery";

export function actorOf(user: UserRecord): Actor & { kind: "user" } {
  return { kind: "user", userId: user.id, email: user.email, role: user.role, locale: user.locale };
}

/** Two customers with a hosting each, and one support user. */
export async function createWorld(options: Partial<ServicesOptions> = {}): Promise<World> {
  const db = await createTestDatabase({ poolSize: 12 });
  const clock = new ManualClock("2026-03-10T12:00:00.000Z");
  const services = createServices({ ...options, db, clock });
  const customer = await services.users.create({
    email: "Owner@Example.org",
    password: PASSWORD,
    role: "customer",
  });
  const other = await services.users.create({
    email: "other@example.net",
    password: PASSWORD,
    role: "customer",
  });
  const support = await services.users.create({
    email: "agent@hoster.test",
    password: PASSWORD,
    role: "support",
  });
  const hosting = await services.hostings.create({
    serviceName: "example.org",
    ownerEmail: customer.email,
    reportRecipient: "reports@example.org",
  });
  const otherHosting = await services.hostings.create({
    serviceName: "other.net",
    ownerEmail: other.email,
  });
  return {
    db,
    clock,
    services,
    customer: actorOf(customer),
    other: actorOf(other),
    support: actorOf(support),
    hosting,
    otherHosting,
  };
}

/**
 * Puts every hosting back to active, with no messages, history, audit entries or volumes. First
 * checks that the previous test left the kept queue counts equal to the messages, and the kept
 * per-minute outcomes equal to the delivery events: every test of a file that resets its world
 * checks the counting triggers and the writers of events against what it did.
 */
export async function resetWorld(w: World): Promise<void> {
  const drift = await queueCountDrift(w.db.sql);
  if (drift.length > 0) throw new Error(`queue counts drifted:\n${drift.join("\n")}`);
  const outcomes = await outcomeMinuteDrift(w.db.sql);
  if (outcomes.length > 0) throw new Error(`outcomes drifted:\n${outcomes.join("\n")}`);
  await w.db.prisma.message.deleteMany();
  await w.db.prisma.outcomeMinute.deleteMany();
  await w.db.prisma.stateChange.deleteMany();
  await w.db.prisma.auditEntry.deleteMany();
  await w.db.prisma.dailyVolume.deleteMany();
  await w.db.prisma.hosting.updateMany({
    data: { state: "active", blockedByRole: null, stateReason: null },
  });
}

export async function disposeWorld(world: World | undefined): Promise<void> {
  await world?.db.dispose();
}

export interface MessageSeed {
  status?: "queued" | "held" | "sending" | "sent" | "failed" | "expired" | "purged";
  acceptedAt?: Date;
  recipients?: string[];
  delivered?: string[];
  raw?: Uint8Array<ArrayBuffer> | null;
  subject?: string;
}

/** Inserts messages straight through Prisma (as the SMTP ingest would); returns their ids. */
export async function insertMessages(
  db: TestDatabase,
  hostingId: string,
  count: number,
  seed: MessageSeed = {},
  at: (i: number) => Date = () => seed.acceptedAt ?? new Date("2026-03-10T11:00:00.000Z"),
): Promise<string[]> {
  const rows = Array.from({ length: count }, (_, i) => {
    const acceptedAt = at(i);
    return {
      id: randomUUID(),
      hostingId,
      envelopeFrom: "www-data@example.org",
      recipients: seed.recipients ?? [`r${i}@example.com`],
      delivered: seed.delivered ?? [],
      subject: seed.subject ?? `message ${i}`,
      size: 100 + i,
      raw: seed.raw ?? null,
      status: seed.status ?? "queued",
      acceptedAt,
      expiresAt: new Date(acceptedAt.getTime() + 72 * HOUR),
      source: "sendmail" as const,
    };
  });
  for (let i = 0; i < rows.length; i += 1000) {
    await db.prisma.message.createMany({ data: rows.slice(i, i + 1000) });
  }
  return rows.map((r) => r.id);
}

export async function statusCounts(
  db: TestDatabase,
  hostingId: string,
): Promise<Record<string, number>> {
  const groups = await db.prisma.message.groupBy({
    by: ["status"],
    where: { hostingId },
    _count: { _all: true },
  });
  return Object.fromEntries(groups.map((g) => [g.status, g._count._all]));
}

/** The DomainError code a promise rejects with (fails the test if it resolves). */
export async function errorCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
  throw new Error("expected a DomainError, but the call succeeded");
}
