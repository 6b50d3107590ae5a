import { createTestDatabase, type TestDatabase } from "@scripts-email/db/testing";
import { createServices, recordingLogger, type Services } from "@scripts-email/domain";
import { subjectOf } from "@scripts-email/harness/relay-ledger";
import { startTestRelay, type TestRelay } from "@scripts-email/harness/test-relay";
import { Registry } from "prom-client";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createMtaMetrics } from "../metrics.ts";
import { createSmtpRelay } from "./smtp-relay.ts";
import { createDeliveryWorker, type DeliveryWorker } from "./worker.ts";

// Issue 12 item 5: a relay slower than the lease. The real clock, because leases run out in real
// time here (2 s), against a relay that takes longer than that for each message.

const LEASE_MS = 2_000;

let db: TestDatabase;
let services: Services;
let relay: TestRelay;
let hostingId: string;
const running: DeliveryWorker[] = [];

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 8 });
  services = createServices({
    db,
    mail: { leaseMs: LEASE_MS, burst: { limit: 0, windowMs: 60_000 } },
  });
  await services.users.create({
    email: "o@slow.test",
    password: "correct horse",
    role: "customer",
  });
  const hosting = await services.hostings.create({
    serviceName: "slow.test",
    ownerEmail: "o@slow.test",
    maxPerDay: 1_000_000,
  });
  hostingId = hosting.id;
  relay = await startTestRelay();
});
afterAll(async () => {
  await Promise.all(running.splice(0).map((w) => w.stop()));
  await relay.close();
  await db.dispose();
});
beforeEach(async () => {
  await Promise.all(running.splice(0).map((w) => w.stop()));
  relay.received.length = 0;
  relay.delayMs = 0;
  await db.prisma.deliveryEvent.deleteMany();
  await db.prisma.message.deleteMany();
});

async function queue(n: number, tag: string): Promise<string[]> {
  const subjects = Array.from({ length: n }, (_, i) => `${tag} ${i}`);
  for (const [i, subject] of subjects.entries()) {
    await services.mail.ingest.accept({
      hostingId,
      envelopeFrom: "site@slow.test",
      recipients: [`to${i}@dest.test`],
      raw: Buffer.from(`From: site@slow.test\r\nSubject: ${subject}\r\n\r\nHello.\r\n`),
      source: "smtp",
    });
  }
  return subjects;
}

function startWorker(options: Parameters<typeof createDeliveryWorker>[2] = {}) {
  const w = createDeliveryWorker(
    services.mail.delivery,
    createSmtpRelay({ url: relay.url, timeoutSeconds: 10 }),
    { idleMs: 20, ...options },
  );
  running.push(w);
  w.start();
  return w;
}

const statuses = async () => {
  const rows = await db.prisma.message.groupBy({ by: ["status"], _count: true });
  return Object.fromEntries(rows.map((r) => [r.status, r._count])) as Record<string, number>;
};

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function copies(): Map<string, number> {
  const seen = new Map<string, number>();
  for (const m of relay.received) {
    const s = subjectOf(m.raw) ?? "?";
    seen.set(s, (seen.get(s) ?? 0) + 1);
  }
  return seen;
}

describe("a relay slower than the lease", () => {
  it("is used by two workers that deliver each message exactly once, renewing their claims", async () => {
    relay.delayMs = 2_500;
    const subjects = await queue(12, "slow");
    const log = recordingLogger();
    const warnings = () => log.records.filter((entry) => entry.level === "warn");
    // One worker claims 8 (two turns of 4 at the relay: 5 s, two and a half leases), the other
    // the last 4 (2.5 s); the second then looks for claims whose lease ran out while the first
    // is still relaying its round.
    startWorker({ batchSize: 8, concurrency: 4, log });
    startWorker({ batchSize: 8, concurrency: 4, log });
    await until("every message sent", async () => (await statuses()).sent === 12, 20_000);
    await Promise.all(running.splice(0).map((w) => w.stop()));

    expect([...copies()].sort()).toEqual(subjects.map((s) => [s, 1]).sort());
    expect(relay.received).toHaveLength(12);
    const attempts = await db.prisma.message.findMany({ select: { attempts: true } });
    expect(attempts.every((m) => m.attempts === 1)).toBe(true);
    expect(await db.prisma.deliveryEvent.count()).toBe(12);
    expect(warnings()).toEqual([]);
  }, 30_000);

  it("logs and counts the late result of a claim that ran out and was taken over", async () => {
    relay.delayMs = 3_500;
    await queue(1, "late");
    const log = recordingLogger();
    const entries = log.records;
    const registry = new Registry();
    // The first worker cannot renew (its database connection for renewals is broken): its claim
    // runs out while the relay holds the message, and the second worker takes it over.
    const broken = Object.create(services.mail.delivery) as typeof services.mail.delivery;
    broken.renew = async () => {
      throw new Error("Connection terminated unexpectedly");
    };
    const first = createDeliveryWorker(
      broken,
      createSmtpRelay({ url: relay.url, timeoutSeconds: 10 }),
      { log, metrics: createMtaMetrics(registry) },
    );
    const round = first.runOnce();
    await until("the first claim", async () => (await statuses()).sending === 1, 2_000);
    await new Promise((resolve) => setTimeout(resolve, LEASE_MS + 100));
    const second = createDeliveryWorker(
      services.mail.delivery,
      createSmtpRelay({ url: relay.url, timeoutSeconds: 10 }),
    );
    expect(await second.runOnce()).toBe(1);
    expect(await round).toBe(1);

    const [message] = await db.prisma.message.findMany();
    expect(message!.status).toBe("sent");
    expect(message!.attempts).toBe(2);
    // recorded once, by the worker holding the claim
    expect(await db.prisma.deliveryEvent.count()).toBe(1);
    expect(entries).toContainEqual(
      expect.objectContaining({
        level: "warn",
        msg: expect.stringMatching(/^late delivery results ignored/),
        count: 1,
        messageIds: [message!.id],
      }),
    );
    expect(entries).toContainEqual(
      expect.objectContaining({ level: "warn", msg: expect.stringMatching(/^renewing .* failed/) }),
    );
    const metric = await registry.getSingleMetricAsString(
      "scripts_email_late_delivery_results_total",
    );
    expect(metric).toMatch(/^scripts_email_late_delivery_results_total 1$/m);
  }, 30_000);
});

describe("renewing claims", () => {
  it("does not start a message whose claim another worker took over", async () => {
    // The first message is at the relay for two renewals (every 667 ms) before the second starts.
    relay.delayMs = 2_000;
    const [first, second, third] = await queue(3, "taken");
    const log = recordingLogger();
    const entries = log.records;
    const w = createDeliveryWorker(
      services.mail.delivery,
      createSmtpRelay({ url: relay.url, timeoutSeconds: 10 }),
      { batchSize: 3, concurrency: 1, log },
    );
    const round = w.runOnce();
    await until("the round claimed", async () => (await statuses()).sending === 3, 2_000);
    // Another worker's claim of the second message, as after a lease that ran out.
    await db.prisma.message.updateMany({
      where: { subject: second },
      data: { nextAttemptAt: new Date(Date.now() + 60_000) },
    });
    expect(await round).toBe(3);
    expect(relay.received.map((m) => subjectOf(m.raw))).toEqual([first, third]);
    expect(entries).toContainEqual(
      expect.objectContaining({
        level: "warn",
        msg: expect.stringMatching(/^claims taken over/),
        count: 1,
      }),
    );
    expect((await db.prisma.message.findFirstOrThrow({ where: { subject: second } })).status).toBe(
      "sending",
    );
  }, 20_000);
});

describe("a worker that died", () => {
  it("leaves claims that go back in the queue at their place once their lease runs out", async () => {
    const dead = await queue(2, "dead");
    expect(await services.mail.delivery.claim(2)).toHaveLength(2);
    // Mail that was due before the dead worker's lease ends: the claim alone, in due order,
    // would send all of it first.
    await queue(20, "backlog");
    await new Promise((resolve) => setTimeout(resolve, LEASE_MS + 100));
    const log = recordingLogger();
    const entries = log.records;
    const w = createDeliveryWorker(
      services.mail.delivery,
      createSmtpRelay({ url: relay.url, timeoutSeconds: 10 }),
      { batchSize: 5, concurrency: 1, log },
    );
    expect(await w.runOnce()).toBe(5);
    expect(relay.received.slice(0, 2).map((m) => subjectOf(m.raw))).toEqual(dead);
    expect(entries).toContainEqual(
      expect.objectContaining({
        level: "warn",
        msg: expect.stringMatching(/dead worker/),
        count: 2,
      }),
    );
  }, 20_000);
});

describe("results recorded as messages finish", () => {
  it("records each message while the rest of its round is still at the relay", async () => {
    relay.delayMs = 300;
    await queue(6, "asgo");
    startWorker({ batchSize: 6, concurrency: 1 });
    await until("three relayed", () => relay.received.length >= 3, 10_000);
    // The round (6 × 300 ms) is only half done; the first ones are recorded already.
    const status = await statuses();
    expect(relay.received.length).toBeLessThan(6);
    expect(status.sent).toBeGreaterThanOrEqual(2);
    expect(status.sending).toBeGreaterThanOrEqual(3);
  }, 20_000);

  it("gives back the claims not started when it stops mid-round, and records the one in flight", async () => {
    relay.delayMs = 300;
    await queue(6, "stop");
    const w = startWorker({ batchSize: 6, concurrency: 1 });
    await until("one relayed", () => relay.received.length >= 1, 10_000);
    await w.stop();
    const rows = await db.prisma.message.findMany({ select: { status: true, attempts: true } });
    const sent = rows.filter((r) => r.status === "sent");
    expect(sent.length).toBe(relay.received.length);
    expect(sent.length).toBeLessThan(6);
    // nothing left claimed: the rest is due at once, its claim's attempt taken back
    expect(rows.filter((r) => r.status === "queued").map((r) => r.attempts)).toEqual(
      Array(6 - sent.length).fill(0),
    );
    relay.delayMs = 0;
    const next = createDeliveryWorker(
      services.mail.delivery,
      createSmtpRelay({ url: relay.url, timeoutSeconds: 10 }),
    );
    expect(await next.runOnce()).toBe(6 - sent.length);
    expect(new Set(copies().values())).toEqual(new Set([1]));
  }, 20_000);
});
