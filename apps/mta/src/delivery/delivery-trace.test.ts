import { createMailWorld, type MailWorld, SERVICE } from "@scripts-email/harness/mail-world";
import { startTestRelay, type TestRelay } from "@scripts-email/harness/test-relay";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSmtpRelay } from "./smtp-relay.ts";
import { createDeliveryWorker } from "./worker.ts";

// What the relay answers is what the message detail, the errors list and the report show: a real
// SMTP conversation on loopback, its replies recorded by the worker, then read back.
let world: MailWorld;
let relay: TestRelay;

beforeAll(async () => {
  world = await createMailWorld();
  relay = await startTestRelay();
  relay.recipientReplies.set("gone@dest.test", {
    code: 550,
    text: "5.1.1 <gone@dest.test>: Recipient address rejected: User unknown",
  });
});
afterAll(async () => {
  await relay?.close();
  await world?.dispose();
});

async function owner() {
  const user = await world.services.users.findByEmail("owner@example.org");
  if (!user) throw new Error("no owner");
  return {
    kind: "user" as const,
    userId: user.id,
    email: user.email,
    role: user.role,
    locale: user.locale,
  };
}

describe("the delivery trace of a relayed message", () => {
  it("gives each recipient the relay's own answer, the code once", async () => {
    const { id } = await world.submit(["ok@dest.test", "gone@dest.test", "busy+451@dest.test"]);
    const worker = createDeliveryWorker(
      world.mail.delivery,
      createSmtpRelay({ url: relay.url, timeoutSeconds: 5 }),
    );
    expect(await worker.runOnce()).toBe(1);

    const actor = await owner();
    const detail = await world.services.messages.get(actor, SERVICE, id);
    const byAddress = Object.fromEntries(detail.recipients.map((r) => [r.address, r]));
    expect(byAddress["ok@dest.test"]).toMatchObject({ outcome: "delivered", code: 250 });
    // refused with 550 while another recipient was delivered: failed, not waiting
    expect(byAddress["gone@dest.test"]).toMatchObject({
      outcome: "failed",
      delivered: false,
      code: 550,
      reply: "5.1.1 <gone@dest.test>: Recipient address rejected: User unknown",
      nextAttemptAt: null,
    });
    expect(byAddress["busy+451@dest.test"]).toMatchObject({
      outcome: "deferred",
      code: 451,
      nextAttemptAt: detail.nextAttemptAt,
    });
    expect(detail.nextAttemptAt).not.toBeNull();
    // the stored reply starts with its code; shown beside it, the code reads once
    const stored = await world.db.prisma.deliveryEvent.findFirstOrThrow({
      where: { messageId: id, recipient: "gone@dest.test" },
    });
    expect(stored.text).toMatch(/^550 5\.1\.1 /);
    for (const a of detail.attempts) {
      expect(`${a.code} ${a.text}`).not.toMatch(/^(\d{3}) \1\b/);
    }
    // retried until the delivery deadline (DELIVERY_MAX_HOURS), not a hold's 72 hours
    expect(Date.parse(detail.expiresAt) - Date.parse(detail.acceptedAt)).toBe(120 * 3_600_000);

    // the errors list holds the failure and the deferral, each marked
    const errors = await world.services.email.errors(actor, SERVICE, 20);
    expect(errors.map((e) => [e.recipient, e.outcome, `${e.code} ${e.message}`])).toEqual(
      expect.arrayContaining([
        [
          "gone@dest.test",
          "failed",
          "550 5.1.1 <gone@dest.test>: Recipient address rejected: User unknown",
        ],
        ["busy+451@dest.test", "deferred", expect.stringMatching(/^451 (?!451)/)],
      ]),
    );
  });
});
