import { type LogRecord, recordingLogger, SYSTEM } from "@scripts-email/domain";
import { createMailWorld, HOUR, type MailWorld } from "@scripts-email/harness/mail-world";
import { freePort } from "@scripts-email/harness/ports";
import { GTUBE, type PrivateRspamd, startRspamd } from "@scripts-email/harness/rspamd";
import { startTestRelay, type TestRelay } from "@scripts-email/harness/test-relay";
import { Registry } from "prom-client";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createMtaMetrics, type MtaMetrics } from "../metrics.ts";
import { createSmtpRelay } from "./smtp-relay.ts";
import { createSpamScanner, type SpamScanner } from "./spam-scanner.ts";
import { createDeliveryWorker } from "./worker.ts";

// Issue 14: the worker scans the site's mail with a real rspamd before relaying it to a real
// SMTP relay. What rspamd would reject is held as spam and never reaches the relay; a scanner
// that is down never holds mail back.

const SPAM_LIMIT = 2;

describe("delivery worker with a spam scanner", () => {
  let world: MailWorld;
  let relay: TestRelay;
  let rspamd: PrivateRspamd;
  let registry: Registry;
  let metrics: MtaMetrics;
  let log: ReturnType<typeof recordingLogger>;

  beforeAll(async () => {
    [world, relay, rspamd] = await Promise.all([
      createMailWorld({
        bounce: { ratio: 0, minFailures: 1, windowMs: HOUR },
        spam: { limit: SPAM_LIMIT, windowMs: HOUR },
        spamChecking: true,
      }),
      startTestRelay(),
      startRspamd(),
    ]);
  }, 200_000);
  afterAll(async () => {
    await relay?.close();
    await rspamd?.stop();
    await world?.dispose();
  });
  beforeEach(async () => {
    relay.received.length = 0;
    registry = new Registry();
    metrics = createMtaMetrics(registry);
    log = recordingLogger();
    await world.db.prisma.message.deleteMany();
    await world.db.prisma.dailyVolume.deleteMany();
    await world.db.prisma.hosting.updateMany({
      data: {
        state: "active",
        blockCause: null,
        blockedByRole: null,
        stateReason: null,
        heldScripts: [],
        stateChangedAt: new Date("2026-03-01T00:00:00Z"),
      },
    });
  });

  function worker(
    scanner: SpamScanner = createSpamScanner({ url: rspamd.url, timeoutMs: 10_000 }),
  ) {
    return createDeliveryWorker(
      world.mail.delivery,
      createSmtpRelay({ url: relay.url, timeoutSeconds: 5 }),
      { scanner, metrics, log },
    );
  }

  /** Queues a message of the hosting as SMTP ingest would; returns its id. */
  async function submit(subject: string, body: string): Promise<string> {
    const raw = Buffer.from(
      "From: Shop <orders@example.org>\r\nTo: Ana <ana@dest.test>\r\n" +
        `Subject: ${subject}\r\nDate: Tue, 10 Mar 2026 12:00:00 +0000\r\n` +
        `Message-ID: <${subject.replace(/\W/g, "")}.${Date.now()}@example.org>\r\n` +
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
        `${body}\r\n`,
    );
    const { id } = await world.mail.ingest.accept({
      hostingId: world.hostingId,
      envelopeFrom: "orders@example.org",
      recipients: ["ana@dest.test"],
      raw,
      source: "sendmail",
    });
    await world.mail.ingest.settled();
    return id;
  }
  const order = (n: number) =>
    submit(`Your order ${n}`, `Hello Ana,\r\n\r\nThank you for order ${n}: it ships tomorrow.`);
  const spam = (n: number) => submit(`Cheap pills ${n}`, `Buy now!\r\n${GTUBE}`);

  const message = (id: string) => world.db.prisma.message.findUniqueOrThrow({ where: { id } });
  const relayedSubjects = () =>
    relay.received.map((m) => /^Subject: (.*)$/m.exec(m.raw.toString())?.[1]?.trim());
  async function scans(): Promise<Record<string, number>> {
    const metric = await registry.getSingleMetric("scripts_email_spam_scans_total")!.get();
    return Object.fromEntries(metric.values.map((v) => [String(v.labels.result), v.value]));
  }
  const warnings = (): LogRecord[] => log.records.filter((r) => r.level === "warn");

  it("holds GTUBE as spam, never relayed, and relays the order mail, keeping both verdicts", async () => {
    const good = await order(1042);
    const bad = await spam(1);
    expect(await worker().runOnce()).toBe(2);

    expect(relayedSubjects()).toEqual(["Your order 1042"]);
    const held = await message(bad);
    expect(held).toMatchObject({
      status: "held",
      spam: true,
      released: false,
      nextAttemptAt: null,
      spamAction: "reject",
    });
    expect(held.scannedAt).not.toBeNull();
    expect(held.spamScore).toBeGreaterThan(0);
    const symbols = held.spamSymbols as Array<{ name: string }>;
    expect(symbols.map((s) => s.name)).toContain("GTUBE");

    const sent = await message(good);
    expect(sent).toMatchObject({ status: "sent", spam: false });
    expect(sent.scannedAt).not.toBeNull();
    expect(sent.spamAction).not.toMatch(/reject/);
    expect(Array.isArray(sent.spamSymbols)).toBe(true);

    expect(await scans()).toEqual({ clean: 1, spam: 1, unscanned: 0 });
    const status = await world.services.email.status(SYSTEM, "example.org");
    expect(status.held).toBe(1);
    // not above the limit: the site still sends
    expect(status.state).toBe("active");
  });

  it("delivers unscanned when the scanner is down, counts it and warns once", async () => {
    const closed = createSpamScanner({
      url: `http://127.0.0.1:${await freePort()}`,
      timeoutMs: 5000,
    });
    const ids = [await order(1), await order(2), await spam(3)];
    expect(await worker(closed).runOnce()).toBe(3);

    // never lost nor held: GTUBE too goes out, since nothing judged it
    expect(relayedSubjects().sort()).toEqual(["Cheap pills 3", "Your order 1", "Your order 2"]);
    for (const id of ids) {
      expect(await message(id)).toMatchObject({ status: "sent", spam: false, scannedAt: null });
    }
    expect(await scans()).toEqual({ clean: 0, spam: 0, unscanned: 3 });
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toMatchObject({
      count: 1,
      reason: expect.stringContaining("ECONNREFUSED"),
    });
  });

  it("blocks the hosting with cause spam once more than the limit was flagged in an hour", async () => {
    for (let i = 0; i < SPAM_LIMIT; i++) await spam(i);
    await worker().runOnce();
    let hosting = await world.db.prisma.hosting.findUniqueOrThrow({
      where: { id: world.hostingId },
    });
    expect(hosting.state).toBe("active");

    await spam(SPAM_LIMIT);
    await worker().runOnce();
    hosting = await world.db.prisma.hosting.findUniqueOrThrow({ where: { id: world.hostingId } });
    expect(hosting).toMatchObject({ state: "blocked", blockCause: "spam" });
    expect(relay.received).toHaveLength(0);
  });

  it("relays spam released by hand without scanning it again", async () => {
    const id = await spam(1);
    await worker().runOnce();
    expect(await scans()).toMatchObject({ spam: 1 });
    // support releases it (the selection job's release: queued, due now, released)
    await world.db.prisma.message.update({
      where: { id },
      data: { status: "queued", released: true, nextAttemptAt: world.clock.now() },
    });
    expect(await worker().runOnce()).toBe(1);
    expect(relayedSubjects()).toEqual(["Cheap pills 1"]);
    expect(await message(id)).toMatchObject({
      status: "sent",
      spam: true,
      released: true,
      spamAction: "reject",
    });
    expect(await scans()).toEqual({ clean: 0, spam: 1, unscanned: 0 });
  });

  it("never relays spam queued again without a release by hand, nor scans it again", async () => {
    const id = await spam(1);
    await worker().runOnce();
    // the release of the hosting's held mail after an unblock by support queues it again
    await world.db.prisma.message.update({
      where: { id },
      data: { status: "queued", nextAttemptAt: world.clock.now() },
    });
    expect(await worker().runOnce()).toBe(1);
    expect(relay.received).toHaveLength(0);
    expect(await message(id)).toMatchObject({ status: "held", spam: true, released: false });
    expect(await scans()).toEqual({ clean: 0, spam: 1, unscanned: 0 });
  });

  it("leaves a held script's mail queued, and relays mail released by hand from a blocked hosting", async () => {
    const form = await order(1);
    const shop = await order(2);
    await world.db.prisma.message.update({ where: { id: form }, data: { script: "form.php" } });
    await world.db.prisma.hosting.update({
      where: { id: world.hostingId },
      data: { heldScripts: ["form.php"] },
    });
    expect(await worker().runOnce()).toBe(1);
    expect(relayedSubjects()).toEqual(["Your order 2"]);
    expect((await message(shop)).status).toBe("sent");
    expect((await message(form)).status).toBe("queued");

    await world.db.prisma.hosting.update({
      where: { id: world.hostingId },
      data: { state: "blocked", blockCause: "support", heldScripts: [] },
    });
    const waiting = await order(3);
    await world.db.prisma.message.update({ where: { id: form }, data: { released: true } });
    expect(await worker().runOnce()).toBe(1);
    expect(relayedSubjects()).toEqual(["Your order 2", "Your order 1"]);
    expect((await message(waiting)).status).toBe("held");
  });
});
