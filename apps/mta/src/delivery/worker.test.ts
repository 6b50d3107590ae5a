import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { recordingLogger } from "@scripts-email/domain";
import { createMailWorld, HOUR, type MailWorld, SERVICE } from "@scripts-email/harness/mail-world";
import { startTestRelay, type TestRelay } from "@scripts-email/harness/test-relay";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createFileCapture } from "./file-capture.ts";
import { createSmtpRelay } from "./smtp-relay.ts";
import { createDeliveryWorker } from "./worker.ts";

let world: MailWorld;
let relay: TestRelay;

beforeAll(async () => {
  world = await createMailWorld({ bounce: { ratio: 0, minFailures: 1, windowMs: HOUR } });
  relay = await startTestRelay();
});
afterAll(async () => {
  await relay.close();
  await world.dispose();
});
beforeEach(async () => {
  relay.received.length = 0;
  relay.mode = "accept";
  await world.db.prisma.message.deleteMany();
  await world.db.prisma.dailyVolume.deleteMany();
});

function worker() {
  return createDeliveryWorker(
    world.mail.delivery,
    createSmtpRelay({ url: relay.url, timeoutSeconds: 5 }),
  );
}

const message = (id: string) => world.db.prisma.message.findUniqueOrThrow({ where: { id } });
const events = (id: string) =>
  world.db.prisma.deliveryEvent.findMany({ where: { messageId: id }, orderBy: { at: "asc" } });
/** The hosting's counters summed over every day. */
async function volume() {
  const rows = await world.db.prisma.dailyVolume.findMany({
    where: { hostingId: world.hostingId },
  });
  return {
    sent: rows.reduce((n, r) => n + r.sent, 0),
    errors: rows.reduce((n, r) => n + r.errors, 0),
    expired: rows.reduce((n, r) => n + r.expired, 0),
  };
}

describe("delivery worker", () => {
  it("relays queued mail and records it as sent", async () => {
    const { id, status } = await world.submit(["a@dest.test", "b@dest.test"]);
    expect(status).toBe("queued");
    expect(await worker().runOnce()).toBe(1);
    expect(relay.received).toHaveLength(1);
    expect(relay.received[0]!.to).toEqual(["a@dest.test", "b@dest.test"]);
    expect(relay.received[0]!.raw.toString()).toContain("Hello.");
    const m = await message(id);
    expect(m.status).toBe("sent");
    expect(m.delivered).toEqual(["a@dest.test", "b@dest.test"]);
    expect(m.sentAt).not.toBeNull();
    expect((await volume()).sent).toBe(1);
    expect(await worker().runOnce()).toBe(0);
  });

  it("treats each recipient on its own: 2xx delivered, 5xx failed at once, 4xx retried later", async () => {
    const { id } = await world.submit(["ok@dest.test", "busy+451@dest.test", "gone+550@dest.test"]);
    await worker().runOnce();
    let m = await message(id);
    expect(m.status).toBe("queued");
    expect(m.delivered).toEqual(["ok@dest.test"]);
    expect(m.failed).toEqual(["gone+550@dest.test"]);
    expect(m.nextAttemptAt!.getTime()).toBe(world.clock.now().getTime() + 60_000);
    const first = await events(id);
    expect(first.map((e) => [e.recipient, e.outcome, e.smtpCode])).toEqual(
      expect.arrayContaining([
        ["ok@dest.test", "delivered", 250],
        ["busy+451@dest.test", "deferred", 451],
        ["gone+550@dest.test", "failed", 550],
      ]),
    );
    expect((await volume()).errors).toBe(1);

    // not due yet
    expect(await worker().runOnce()).toBe(0);
    world.clock.advance(60_000);
    relay.received.length = 0;
    await worker().runOnce();
    // the delivered recipient is never sent again
    expect(relay.received).toHaveLength(0);
    m = await message(id);
    expect(m.attempts).toBe(2);
    expect(m.nextAttemptAt!.getTime()).toBe(world.clock.now().getTime() + 5 * 60_000);

    // past the maximum lifetime the deferral becomes a failure
    world.clock.advance(6 * 24 * HOUR);
    await worker().runOnce();
    m = await message(id);
    expect(m.status).toBe("sent");
    expect(m.failed).toEqual(["gone+550@dest.test", "busy+451@dest.test"]);
    const last = (await events(id)).at(-1)!;
    expect(last.outcome).toBe("failed");
    expect(last.text).toMatch(/Gave up after 3 attempts/);
    expect((await volume()).errors).toBe(2);
    expect((await volume()).sent).toBe(1);
    world.clock.set("2026-03-10T12:00:00.000Z");
  });

  it("retries a message the relay deferred at DATA, then delivers it once", async () => {
    const { id } = await world.submit(["a@dest.test"]);
    relay.mode = "defer-data";
    await worker().runOnce();
    expect((await message(id)).status).toBe("queued");
    expect((await events(id))[0]).toMatchObject({ outcome: "deferred", smtpCode: 451 });
    relay.mode = "accept";
    world.clock.advance(60_000);
    await worker().runOnce();
    expect((await message(id)).status).toBe("sent");
    expect(relay.received).toHaveLength(1);
    world.clock.set("2026-03-10T12:00:00.000Z");
  });

  it("fails every recipient when the relay refuses the message", async () => {
    const { id } = await world.submit(["a@dest.test", "b@dest.test"]);
    relay.mode = "reject-data";
    await worker().runOnce();
    const m = await message(id);
    expect(m.status).toBe("failed");
    expect((await events(id)).every((e) => e.outcome === "failed" && e.smtpCode === 554)).toBe(
      true,
    );
    const errors = await world.services.email.errors({ kind: "system" }, SERVICE, 10);
    expect(errors).toHaveLength(2);
    expect(errors[0]!.code).toBe(554);
  });

  it("defers everything while the relay is down", async () => {
    const { id } = await world.submit(["a@dest.test"]);
    const down = createDeliveryWorker(
      world.mail.delivery,
      createSmtpRelay({ url: "smtp://127.0.0.1:1", timeoutSeconds: 2 }),
    );
    await down.runOnce();
    const m = await message(id);
    expect(m.status).toBe("queued");
    expect((await events(id))[0]).toMatchObject({ outcome: "deferred", smtpCode: null });
    expect((await events(id))[0]!.text).toMatch(/ECONNECTION|ECONNREFUSED/);
  });

  it("gives a crashed worker's claim to another once its lease runs out, and ignores the late result", async () => {
    const { id } = await world.submit(["a@dest.test"]);
    const [claimed] = await world.mail.delivery.claim(10);
    expect(claimed!.id).toBe(id);
    expect(await world.mail.delivery.claim(10)).toHaveLength(0);
    world.clock.advance(5 * 60_000);
    expect(await worker().runOnce()).toBe(1);
    expect((await message(id)).status).toBe("sent");
    // the first worker comes back and reports a failure: it no longer holds the lease
    await world.mail.delivery.complete([
      {
        job: claimed!,
        recipients: [{ recipient: "a@dest.test", outcome: "failed", code: 550, text: "late" }],
      },
    ]);
    expect((await message(id)).status).toBe("sent");
    expect(await events(id)).toHaveLength(1);
    world.clock.set("2026-03-10T12:00:00.000Z");
  });

  it("keeps trying to record a round's results through a database blip, so nothing goes twice", async () => {
    const { id } = await world.submit(["a@dest.test"]);
    const real = world.mail.delivery;
    let failures = 2;
    const blip = Object.create(real) as typeof real;
    blip.complete = async (results) => {
      if (failures-- > 0) throw new Error("Connection terminated unexpectedly");
      return real.complete(results);
    };
    const log = recordingLogger();
    const w = createDeliveryWorker(blip, createSmtpRelay({ url: relay.url, timeoutSeconds: 5 }), {
      recordRetryMs: 10,
      log,
    });
    expect(await w.runOnce()).toBe(1);
    expect((await message(id)).status).toBe("sent");
    expect(relay.received).toHaveLength(1);
    expect(
      log.records.filter((r) => r.msg.startsWith("recording delivery results failed")),
    ).toHaveLength(2);
    // nothing is left claimed to be sent again once a lease runs out
    world.clock.advance(10 * 60_000);
    expect(await worker().runOnce()).toBe(0);
    expect(relay.received).toHaveLength(1);
    world.clock.set("2026-03-10T12:00:00.000Z");
  });

  it("shares the queue between concurrent workers without sending anything twice", async () => {
    for (let i = 0; i < 120; i++) await world.submit([`r${i}@dest.test`]);
    const workers = [worker(), worker(), worker()];
    const rounds = async (w: ReturnType<typeof worker>) => {
      while ((await w.runOnce()) > 0) {}
    };
    await Promise.all(workers.map(rounds));
    expect(relay.received).toHaveLength(120);
    expect(new Set(relay.received.map((r) => r.to[0])).size).toBe(120);
    expect(await world.db.prisma.message.count({ where: { status: "sent" } })).toBe(120);
  });

  it("runs in the background and stops cleanly", async () => {
    await world.submit(["a@dest.test"]);
    const w = createDeliveryWorker(world.mail.delivery, createSmtpRelay({ url: relay.url }), {
      idleMs: 20,
    });
    w.start();
    const deadline = Date.now() + 10_000;
    while (relay.received.length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    await w.stop();
    expect(relay.received).toHaveLength(1);
  });
});

describe("held mail", () => {
  it("is not delivered while blocked, and goes out oldest first after unblock", async () => {
    const customer = { kind: "system" } as const;
    await world.services.email.request(customer, SERVICE, "block", "test");
    const first = await world.submit(["a@dest.test"], "first");
    world.clock.advance(1000);
    const second = await world.submit(["b@dest.test"], "second");
    expect(first.status).toBe("held");
    expect(second.status).toBe("held");
    expect(await worker().runOnce()).toBe(0);
    await world.services.email.request(customer, SERVICE, "unblock");
    await world.services.email.runReleases();
    const oneAtATime = createDeliveryWorker(
      world.mail.delivery,
      createSmtpRelay({ url: relay.url }),
      {
        concurrency: 1,
      },
    );
    await oneAtATime.runOnce();
    // the site's mail (the owner's "unblocked" alert goes out beside it)
    const site = relay.received.map((r) => r.to[0]).filter((to) => to?.endsWith("@dest.test"));
    expect(site).toEqual(["a@dest.test", "b@dest.test"]);
    world.clock.set("2026-03-10T12:00:00.000Z");
  });

  it("expires 72 hours after acceptance, never sooner; content removed, row kept", async () => {
    await world.services.email.request({ kind: "system" }, SERVICE, "block", "test");
    const { id } = await world.submit(["a@dest.test"]);
    world.clock.advance(72 * HOUR - 1);
    expect(await world.mail.delivery.expireHeld()).toBe(0);
    expect((await message(id)).status).toBe("held");
    world.clock.advance(1);
    expect(await world.mail.delivery.expireHeld()).toBe(1);
    const m = await message(id);
    expect(m.status).toBe("expired");
    expect(m.raw).toBeNull();
    expect((await volume()).expired).toBe(1);
    await world.services.email.request({ kind: "system" }, SERVICE, "unblock");
    world.clock.set("2026-03-10T12:00:00.000Z");
  });
});

describe("retention and capture", () => {
  it("removes delivered content after the retention period and keeps the row", async () => {
    const { id } = await world.submit(["a@dest.test"]);
    await worker().runOnce();
    world.clock.advance(7 * 24 * HOUR - 1000);
    expect(await world.mail.delivery.dropOldContent()).toBe(0);
    world.clock.advance(2000);
    expect(await world.mail.delivery.dropOldContent()).toBe(1);
    const m = await message(id);
    expect(m.raw).toBeNull();
    expect(m.status).toBe("sent");
    world.clock.set("2026-03-10T12:00:00.000Z");
  });

  let dir: string;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("writes .eml files when no upstream relay is configured", async () => {
    dir = await mkdtemp(path.join(tmpdir(), "capture-"));
    const { id } = await world.submit(["a@dest.test"]);
    await createDeliveryWorker(world.mail.delivery, createFileCapture(dir)).runOnce();
    const files = await readdir(path.join(dir, SERVICE));
    expect(files).toEqual([`${id}.eml`]);
    const text = await readFile(path.join(dir, SERVICE, files[0]!), "utf8");
    expect(text).toContain("X-Envelope-To: <a@dest.test>");
    expect(text).toContain("Hello.");
    expect((await message(id)).status).toBe("sent");
  });

  it("delivers system mail even while the site is blocked, apart from the site's mail and counts", async () => {
    dir = await mkdtemp(path.join(tmpdir(), "capture-"));
    await world.services.email.request({ kind: "system" }, SERVICE, "block", "test");
    const held = await world.submit(["a@dest.test"]);
    const report = await world.services.outbox.enqueue({
      to: "owner@example.org",
      from: "reports@hoster.test",
      raw: Buffer.from("From: reports@hoster.test\r\nSubject: Report\r\n\r\nErrors.\r\n"),
    });
    expect([held.status, report.status]).toEqual(["held", "queued"]);
    expect(await createDeliveryWorker(world.mail.delivery, createFileCapture(dir)).runOnce()).toBe(
      1,
    );
    expect(await readdir(dir)).toEqual(["_system"]);
    expect(await readdir(path.join(dir, "_system"))).toEqual([`${report.id}.eml`]);
    expect(await message(report.id)).toMatchObject({
      hostingId: null,
      source: "system",
      status: "sent",
      subject: "Report",
    });
    expect(await events(report.id)).toEqual([
      expect.objectContaining({ hostingId: null, outcome: "delivered" }),
    ]);
    expect(await volume()).toEqual({ sent: 0, errors: 0, expired: 0 });
    await world.services.email.request({ kind: "system" }, SERVICE, "unblock");
  });
});
