import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recountOutcomes } from "../queue/outcome-minute.ts";
import {
  createWorld,
  disposeWorld,
  errorCode,
  insertMessages,
  type World,
} from "../shared/test-fixtures.ts";

let w: World;
const day = (iso: string) => new Date(`${iso}T00:00:00.000Z`);

beforeAll(async () => {
  w = await createWorld();
  const h = w.hosting.id;
  // clock: 2026-03-10T12:00Z
  await w.db.prisma.dailyVolume.createMany({
    data: [
      { hostingId: h, day: day("2026-03-10"), sent: 7, errors: 1, accepted: 9 },
      { hostingId: h, day: day("2026-03-08"), sent: 20, errors: 3 },
      { hostingId: h, day: day("2026-01-01"), sent: 100, errors: 10 },
      { hostingId: w.otherHosting.id, day: day("2026-03-10"), sent: 999, errors: 99 },
    ],
  });
  // today's refusals (every reason) count, not yesterday's nor another hosting's
  await w.db.prisma.refusal.createMany({
    data: [
      { hostingId: h, day: day("2026-03-10"), script: "form.php", reason: "daily_limit", count: 4 },
      { hostingId: h, day: day("2026-03-10"), script: "smtp", reason: "auth", count: 2 },
      {
        hostingId: h,
        day: day("2026-03-09"),
        script: "form.php",
        reason: "daily_limit",
        count: 50,
      },
      {
        hostingId: w.otherHosting.id,
        day: day("2026-03-10"),
        script: "smtp",
        reason: "size",
        count: 8,
      },
    ],
  });
  await insertMessages(
    w.db,
    h,
    3,
    { status: "held" },
    (i) => new Date(Date.UTC(2026, 2, 9, 8 + i)),
  );
  await insertMessages(w.db, h, 2, { status: "queued" });
  await insertMessages(w.db, h, 1, { status: "sending" });
  await insertMessages(w.db, h, 4, { status: "sent" });
  await insertMessages(w.db, w.otherHosting.id, 5, { status: "held" });
  const [messageId] = await insertMessages(w.db, h, 1, { status: "failed" });
  const events = [
    { outcome: "failed", at: "2026-03-09T10:00:00.000Z", recipient: "a@x.test", smtpCode: 550 },
    { outcome: "failed", at: "2026-03-10T09:00:00.000Z", recipient: "b@x.test", smtpCode: null },
    { outcome: "delivered", at: "2026-03-10T09:30:00.000Z", recipient: "c@x.test", smtpCode: 250 },
    { outcome: "deferred", at: "2026-03-10T09:40:00.000Z", recipient: "d@x.test", smtpCode: 451 },
    { outcome: "failed", at: "2026-03-08T09:00:00.000Z", recipient: "e@x.test", smtpCode: 554 },
  ] as const;
  await w.db.prisma.deliveryEvent.createMany({
    data: events.map((e) => ({
      id: randomUUID(),
      messageId: messageId as string,
      hostingId: h,
      recipient: e.recipient,
      at: new Date(e.at),
      outcome: e.outcome,
      smtpCode: e.smtpCode,
      // stored as the relay sent it: the reply starts with its code
      text: `${e.smtpCode ?? ""} text for ${e.recipient}`.trim(),
    })),
  });
  // written straight, not by a delivery round: the per-minute outcomes are rebuilt from them
  await recountOutcomes(w.db.sql);
});
afterAll(async () => {
  await disposeWorld(w);
});

describe("status", () => {
  it("reads the counters from DailyVolume and counts the queue", async () => {
    const status = await w.services.email.status(w.customer, "example.org");
    expect(status).toEqual({
      state: "active",
      blockedBy: null,
      stateReason: null,
      stateChangedAt: expect.any(String),
      reportRecipient: "reports@example.org",
      alertWebhookUrl: null,
      sent: 127,
      sentToday: 7,
      // what the daily limit counts: accepted today, delivered or not
      acceptedToday: 9,
      refusedToday: 6,
      maxPerDay: 1000,
      errors: 14,
      held: 3,
      queued: 3,
      // the oldest held message was accepted 2026-03-09T08:00Z, expires 72 h later
      nextExpiry: "2026-03-12T08:00:00.000Z",
      blockCause: null,
      unblock: { allowed: false, reason: "not_blocked" },
      protection: {
        bounce: {
          ratio: 0,
          failed: 0,
          recipients: 0,
          threshold: 0.5,
          minFailures: 20,
          windowMinutes: 60,
        },
        burst: { count: 0, limit: 1000, windowSeconds: 60 },
        spam: { count: 0, limit: 0 },
        relaxedUntil: null,
        // the hosting was made at 12:00, within the hour: the gauge counts from then
        since: "2026-03-10T12:00:00.000Z",
      },
      spam: 0,
      spamChecking: false,
      heldScripts: [],
      alertsOff: [],
    });
  });

  it("counts a huge queue exactly", async () => {
    const big = await w.services.hostings.create({
      serviceName: "flood.example.org",
      ownerEmail: w.customer.email,
    });
    await w.db.prisma.$executeRaw`
      INSERT INTO "Message" (id, "hostingId", "envelopeFrom", recipients, size, status,
                             "expiresAt", "acceptedAt", source)
      SELECT gen_random_uuid(), ${big.id}::uuid, 'a@flood.example.org', ARRAY['b@x.test'], 1,
             'held', now() + interval '1 day' + n * interval '1 ms', now() + n * interval '1 ms', 'smtp'
        FROM generate_series(1, 12345) AS n`;
    const status = await w.services.email.status(w.customer, "flood.example.org");
    expect(status).toMatchObject({ held: 12345, queued: 0 });
    expect(status.nextExpiry).not.toBeNull();
  });

  it("sentToday follows the clock's UTC day", async () => {
    w.clock.set("2026-03-11T00:30:00.000Z");
    expect((await w.services.email.status(w.customer, "example.org")).sentToday).toBe(0);
    w.clock.set("2026-03-10T23:59:59.999Z");
    expect((await w.services.email.status(w.customer, "example.org")).sentToday).toBe(7);
    w.clock.set("2026-03-10T12:00:00.000Z");
  });

  it("support sees any hosting; another customer gets not_found everywhere", async () => {
    expect((await w.services.email.status(w.support, "example.org")).sent).toBe(127);
    const calls = [
      () => w.services.email.status(w.other, "example.org"),
      () => w.services.email.errors(w.other, "example.org", 20),
      () => w.services.email.volumes(w.other, "example.org", 30),
      () => w.services.email.history(w.other, "example.org"),
      () =>
        w.services.email.updateSettings(w.other, "example.org", {
          reportRecipient: "x@example.net",
        }),
      () => w.services.email.status(w.customer, "missing.example"),
    ];
    for (const call of calls) expect(await errorCode(call())).toBe("not_found");
  });
});

describe("volumes", () => {
  it("returns one entry per day ending today, zeros filled", async () => {
    const volumes = await w.services.email.volumes(w.customer, "example.org", 4);
    expect(volumes).toEqual([
      { date: "2026-03-07", sent: 0, errors: 0 },
      { date: "2026-03-08", sent: 20, errors: 3 },
      { date: "2026-03-09", sent: 0, errors: 0 },
      { date: "2026-03-10", sent: 7, errors: 1 },
    ]);
    const month = await w.services.email.volumes(w.customer, "example.org", 30);
    expect(month).toHaveLength(30);
    expect(month[0]?.date).toBe("2026-02-09");
    expect(month.reduce((a, v) => a + v.sent, 0)).toBe(27);
  });
});

describe("errors", () => {
  it("lists failed and deferred deliveries newest first, marked, limited, the code once", async () => {
    const errors = await w.services.email.errors(w.customer, "example.org", 20);
    expect(errors).toEqual([
      {
        date: "2026-03-10T09:40:00.000Z",
        recipient: "d@x.test",
        code: 451,
        message: "text for d@x.test",
        outcome: "deferred",
      },
      {
        date: "2026-03-10T09:00:00.000Z",
        recipient: "b@x.test",
        code: null,
        message: "text for b@x.test",
        outcome: "failed",
      },
      {
        date: "2026-03-09T10:00:00.000Z",
        recipient: "a@x.test",
        code: 550,
        message: "text for a@x.test",
        outcome: "failed",
      },
      {
        date: "2026-03-08T09:00:00.000Z",
        recipient: "e@x.test",
        code: 554,
        message: "text for e@x.test",
        outcome: "failed",
      },
    ]);
    expect(
      (await w.services.email.errors(w.customer, "example.org", 2)).map((e) => e.recipient),
    ).toEqual(["d@x.test", "b@x.test"]);
    // the other hosting has no errors of its own and none leak in from this one
    expect(await w.services.email.errors(w.other, "other.net", 20)).toEqual([]);
  });
});

describe("updateSettings", () => {
  it("validates and stores the address (lower-cased)", async () => {
    const status = await w.services.email.updateSettings(w.customer, "example.org", {
      reportRecipient: " New@Example.ORG ",
    });
    expect(status.reportRecipient).toBe("new@example.org");
    for (const bad of ["", "not an address", "a@b.c\r\nBcc: x@y.z", "Name <a@example.org>"]) {
      expect(
        await errorCode(
          w.services.email.updateSettings(w.customer, "example.org", { reportRecipient: bad }),
        ),
      ).toBe("validation_failed");
    }
    // the one change made is audited as the customer's; the refused ones are not
    expect(await w.db.prisma.auditEntry.findMany()).toMatchObject([
      {
        action: "email.report_recipient",
        actorRole: "customer",
        actorId: w.customer.userId,
        hostingId: w.hosting.id,
      },
    ]);
  });

  it("is audit-logged when support changes it, without needing a reason", async () => {
    await w.services.email.updateSettings(w.support, "example.org", {
      reportRecipient: "abuse@example.org",
    });
    const [entry] = await w.db.prisma.auditEntry.findMany({ where: { actorRole: "support" } });
    expect(entry).toMatchObject({
      action: "email.report_recipient",
      actorRole: "support",
      hostingId: w.hosting.id,
      details: { from: "new@example.org", to: "abuse@example.org" },
    });
  });
});
