import { recountOutcomes } from "@scripts-email/domain";
import { createMailWorld, HOUR, type MailWorld, SERVICE } from "@scripts-email/harness/mail-world";
import { ordinary, relayFor, startScripted } from "@scripts-email/harness/relay-servers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDeliveryWorker } from "./worker.ts";

// The bounce ratio is about the addresses a site sends to: refusals that are the message's or
// the relay's own fault must not block the hosting (real database, real SMTP on loopback).
describe("bounce ratio and failure kinds", () => {
  let world: MailWorld;
  beforeAll(async () => {
    world = await createMailWorld({ bounce: { ratio: 0.5, minFailures: 5, windowMs: HOUR } });
  });
  afterAll(async () => {
    await world.dispose();
  });

  const state = async () => (await world.services.email.status({ kind: "system" }, SERVICE)).state;
  const events = () =>
    world.db.prisma.deliveryEvent.findMany({
      where: { hostingId: world.hostingId },
      select: { outcome: true, failureKind: true, smtpCode: true },
    });

  it("a relay refusing the content with 5.6.0 fails the mail without raising the bounce ratio", async () => {
    const relay = await startScripted((line) =>
      line === "<content>" ? "554 5.6.0 Message refused: bad content" : ordinary(line),
    );
    const worker = createDeliveryWorker(world.mail.delivery, relayFor(relay.url));
    for (let i = 0; i < 8; i++) await world.submit([`r${i}@dest.test`]);
    await worker.runOnce();
    const recorded = await events();
    expect(recorded).toHaveLength(8);
    expect(recorded.every((e) => e.outcome === "failed" && e.failureKind === "message")).toBe(true);
    expect(await state()).toBe("active");
  });

  it("a relay that wants authentication defers the mail: nothing fails, nothing counts", async () => {
    const relay = await startScripted((line) =>
      line.startsWith("MAIL") ? "530 5.7.0 Authentication required" : ordinary(line, []),
    );
    const worker = createDeliveryWorker(world.mail.delivery, relayFor(relay.url));
    world.clock.advance(2 * HOUR);
    for (let i = 0; i < 6; i++) await world.submit([`s${i}@dest.test`]);
    await worker.runOnce();
    const deferred = (await events()).filter((e) => e.smtpCode === 530);
    expect(deferred).toHaveLength(6);
    expect(deferred.every((e) => e.outcome === "deferred" && e.failureKind === null)).toBe(true);
    expect(await state()).toBe("active");
    // the relay is fixed: that mail goes out at its next attempt
    await world.db.prisma.message.updateMany({
      where: { hostingId: world.hostingId, status: "queued" },
      data: { nextAttemptAt: world.clock.now() },
    });
    const fixed = await startScripted((line) => ordinary(line));
    await createDeliveryWorker(world.mail.delivery, relayFor(fixed.url)).runOnce();
    expect(fixed.contents).toHaveLength(6);
  });

  it("mail the relay kept refusing until it ran out of time fails as the relay's fault", async () => {
    const relay = await startScripted((line) =>
      line.startsWith("MAIL") ? "530 5.7.0 Authentication required" : ordinary(line, []),
    );
    for (let i = 0; i < 6; i++) await world.submit([`late${i}@dest.test`]);
    world.clock.advance(6 * 24 * HOUR); // past the 5 days mail is retried
    await createDeliveryWorker(world.mail.delivery, relayFor(relay.url)).runOnce();
    const late = (await events()).filter((e) => e.smtpCode === 530 && e.outcome === "failed");
    expect(late).toHaveLength(6);
    expect(late.every((e) => e.failureKind === "relay")).toBe(true);
    expect(await state()).toBe("active");
  });

  it("recipients refused at RCPT still count, and so do failures of unknown kind", async () => {
    world.clock.advance(2 * HOUR);
    const relay = await startScripted((line) =>
      line.startsWith("RCPT") ? "550 5.1.1 No such user" : ordinary(line, []),
    );
    const worker = createDeliveryWorker(world.mail.delivery, relayFor(relay.url));
    for (let i = 0; i < 4; i++) await world.submit([`gone${i}@dest.test`]);
    await worker.runOnce();
    const kinds = (await events()).filter((e) => e.smtpCode === 550).map((e) => e.failureKind);
    expect(kinds).toEqual(["recipient", "recipient", "recipient", "recipient"]);
    expect(await state()).toBe("active");
    // a failure recorded before kinds existed (null) counts as a bounce: 5 of 5 now
    await world.submit(["old@dest.test"]);
    await world.db.prisma.message.updateMany({
      where: { hostingId: world.hostingId, status: "queued" },
      data: { status: "failed" },
    });
    const message = await world.db.prisma.message.findFirstOrThrow({
      where: { hostingId: world.hostingId, recipients: { has: "old@dest.test" } },
    });
    await world.db.prisma.deliveryEvent.create({
      data: {
        messageId: message.id,
        hostingId: world.hostingId,
        recipient: "old@dest.test",
        at: world.clock.now(),
        outcome: "failed",
        smtpCode: 550,
        text: "550 before kinds",
      },
    });
    // written straight, not by a delivery round: the per-minute outcomes are rebuilt from it
    await recountOutcomes(world.db.sql);
    await world.mail.protection.checkBounces([world.hostingId]);
    expect(await state()).toBe("blocked");
  });
});
