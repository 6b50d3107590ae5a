import type { BlockCause } from "@scripts-email/contracts";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SYSTEM } from "../actor.ts";
import { HOUR } from "../clock.ts";
import { IngestRepository } from "../queue/ingest-repository.ts";
import { recountOutcomes } from "../queue/outcome-minute.ts";
import {
  createWorld,
  disposeWorld,
  errorCode,
  insertMessages,
  resetWorld,
  type World,
} from "../shared/test-fixtures.ts";
import { unblockRule } from "./email-transition.ts";

// The rules for lifting each kind of block, the protection gauge of the status, and the fresh
// start of the protection's counts after an unblock, over a real database.

let w: World;
const BOUNCE = { ratio: 0.5, minFailures: 4, windowMs: HOUR };
const BURST = { limit: 5, windowMs: 60_000 };
const SPAM = { limit: 10, windowMs: HOUR };

beforeAll(async () => {
  w = await createWorld({ mail: { bounce: BOUNCE, burst: BURST, spam: SPAM } });
});
afterAll(async () => {
  await disposeWorld(w);
});

beforeEach(async () => {
  await resetWorld(w);
  await w.db.prisma.deliveryEvent.deleteMany();
  w.clock.set("2026-03-10T12:00:00.000Z");
  await w.db.prisma.hosting.updateMany({
    data: {
      blockCause: null,
      bounceRelaxedUntil: null,
      heldScripts: [],
      stateChangedAt: new Date("2026-03-01T00:00:00.000Z"),
    },
  });
});

const status = (actor = w.customer) => w.services.email.status(actor, "example.org");
const unblock = (actor = w.customer, reason?: string) =>
  w.services.email.request(actor, "example.org", "unblock", reason);

/** Held mail flagged as spam, as the scanner leaves it. */
async function heldSpam(count: number): Promise<string[]> {
  const ids = await insertMessages(w.db, w.hosting.id, count, {
    status: "held",
    acceptedAt: new Date(w.clock.now().getTime() - 10_000),
  });
  await w.db.sql.query(`UPDATE "Message" SET spam = true WHERE id = ANY($1::uuid[])`, [ids]);
  return ids;
}

/** Recipient outcomes at the clock's time: `failed` bounces and `delivered` successes. */
async function outcomes(failed: number, delivered: number): Promise<void> {
  const [messageId] = await insertMessages(w.db, w.hosting.id, 1, { status: "sent" });
  const at = w.clock.now();
  const row = (outcome: "failed" | "delivered", i: number) => ({
    messageId: messageId!,
    hostingId: w.hosting.id,
    recipient: `${outcome}${i}@dest.test`,
    at,
    outcome,
    ...(outcome === "failed" ? { smtpCode: 550, failureKind: "recipient" as const } : {}),
  });
  await w.db.prisma.deliveryEvent.createMany({
    data: [
      ...Array.from({ length: failed }, (_, i) => row("failed", i)),
      ...Array.from({ length: delivered }, (_, i) => row("delivered", i)),
    ],
  });
  // written straight, not by a delivery round: the per-minute outcomes are rebuilt from them
  await recountOutcomes(w.db.sql);
}

async function history() {
  return w.services.email.history(w.customer, "example.org");
}

describe("unblockRule: one decision for the status and the transition", () => {
  const blocked = (blockCause: BlockCause) => ({
    state: "blocked" as const,
    blockCause,
    blockedByRole:
      blockCause === "support" || blockCause === "customer" ? blockCause : ("system" as const),
  });

  it("answers each cause for each asker", () => {
    const active = { state: "active" as const, blockCause: null, blockedByRole: null };
    const purging = { ...blocked("customer"), state: "purging" as const };
    const refused = (reason: string) => ({ allowed: false, reason });
    const allowed = { allowed: true, reason: null };
    expect(unblockRule("customer", active, 0)).toEqual(refused("not_blocked"));
    expect(unblockRule("support", purging, 0)).toEqual(refused("not_blocked"));
    expect(unblockRule("customer", blocked("support"), 0)).toEqual(refused("blocked_by_support"));
    expect(unblockRule("support", blocked("support"), 0)).toEqual(allowed);
    expect(unblockRule("customer", blocked("spam"), 3)).toEqual(refused("spam_not_purged"));
    expect(unblockRule("customer", blocked("spam"), 0)).toEqual(allowed);
    expect(unblockRule("support", blocked("spam"), 3)).toEqual(allowed);
    expect(unblockRule("customer", blocked("bounce"), 3)).toEqual(allowed);
    expect(unblockRule("customer", blocked("burst"), 0)).toEqual(allowed);
    expect(unblockRule("customer", blocked("customer"), 0)).toEqual(allowed);
  });
});

describe("a spam block", () => {
  it("stays until the mail flagged as spam is deleted; the status says so first", async () => {
    const spam = await heldSpam(3);
    await insertMessages(w.db, w.hosting.id, 2, { status: "held" });
    await w.services.mail.protection.block(w.hosting.id, "spam: 3 flagged", "spam");

    expect(await status()).toMatchObject({
      state: "blocked",
      blockCause: "spam",
      held: 5,
      spam: 3,
      unblock: { allowed: false, reason: "spam_not_purged" },
    });
    expect(await errorCode(unblock())).toBe("spam_not_purged");
    expect((await status()).state).toBe("blocked");

    // deleting the spam selectively (the other held mail stays) lifts the refusal
    await w.db.prisma.message.deleteMany({ where: { id: { in: spam } } });
    expect((await status()).unblock).toEqual({ allowed: true, reason: null });
    expect(await unblock()).toMatchObject({ state: "active", blockCause: null, held: 2 });
  });

  it("may be lifted by support with a reason, which is audited", async () => {
    await heldSpam(2);
    await w.services.mail.protection.block(w.hosting.id, "spam: 2 flagged", "spam");
    expect((await status(w.support)).unblock).toEqual({ allowed: true, reason: null });
    expect(await errorCode(unblock(w.support))).toBe("reason_required");
    const lifted = await unblock(w.support, "false positive: newsletter");
    expect(lifted).toMatchObject({ state: "active", blockCause: null, spam: 2 });
    const audit = await w.db.prisma.auditEntry.findMany({ where: { action: "email.unblock" } });
    expect(audit).toEqual([
      expect.objectContaining({ actorRole: "support", reason: "false positive: newsletter" }),
    ]);
  });
});

describe("a bounce block", () => {
  it("is acknowledged by the customer: the threshold is doubled for 24 hours, in the history", async () => {
    await outcomes(4, 0);
    await w.services.mail.protection.checkBounces([w.hosting.id]);
    expect(await status()).toMatchObject({
      state: "blocked",
      blockCause: "bounce",
      unblock: { allowed: true, reason: null },
    });

    w.clock.advance(60_000);
    const resumed = await unblock(w.customer, "list cleaned");
    const until = "2026-03-11T12:01:00.000Z";
    expect(resumed.protection).toMatchObject({
      relaxedUntil: until,
      bounce: { threshold: 1, failed: 0, recipients: 0 },
      // counting starts afresh at the unblock
      since: "2026-03-10T12:01:00.000Z",
    });
    const hosting = await w.db.prisma.hosting.findUniqueOrThrow({ where: { id: w.hosting.id } });
    expect(hosting.bounceRelaxedUntil?.toISOString()).toBe(until);
    expect((await history())[0]).toMatchObject({
      from: "blocked",
      to: "active",
      reason: `list cleaned (bounce block acknowledged: bounce threshold doubled until ${until})`,
    });

    // 4 failures of 6 after the unblock: 67 %, over the usual 50 % but under the doubled one
    w.clock.advance(60_000);
    await outcomes(4, 2);
    await w.services.mail.protection.checkBounces([w.hosting.id]);
    expect((await status()).state).toBe("active");

    // a day later the usual threshold is back
    w.clock.advance(24 * HOUR);
    await outcomes(4, 2);
    expect((await status()).protection).toMatchObject({ relaxedUntil: null });
    await w.services.mail.protection.checkBounces([w.hosting.id]);
    expect(await status()).toMatchObject({ state: "blocked", blockCause: "bounce" });
  });

  it("records the acknowledgement alone when no reason is given", async () => {
    await outcomes(4, 0);
    await w.services.mail.protection.checkBounces([w.hosting.id]);
    await unblock();
    expect((await history())[0]?.reason).toBe(
      "bounce block acknowledged: bounce threshold doubled until 2026-03-11T12:00:00.000Z",
    );
  });
});

describe("a support block", () => {
  it("is lifted by support only", async () => {
    await w.services.email.request(w.support, "example.org", "block", "phishing");
    expect(await status()).toMatchObject({
      blockCause: "support",
      unblock: { allowed: false, reason: "blocked_by_support" },
    });
    expect(await errorCode(unblock())).toBe("blocked_by_support");
    expect(await unblock(w.support, "site cleaned")).toMatchObject({ state: "active" });
  });
});

describe("after an unblock the protection counts afresh", () => {
  it("old bounces do not block the site again at once", async () => {
    await outcomes(4, 0);
    await w.services.mail.protection.checkBounces([w.hosting.id]);
    w.clock.advance(60_000);
    await unblock();
    // the same failures, still within the hour, are before the unblock: they no longer count
    await w.services.mail.protection.checkBounces([w.hosting.id]);
    expect((await status()).state).toBe("active");
    expect((await status()).protection.bounce).toMatchObject({ failed: 0, recipients: 0 });
  });

  it("mail accepted before the unblock does not count for the burst rule", async () => {
    const ingest = new IngestRepository(w.db);
    const minuteAgo = () => new Date(w.clock.now().getTime() - BURST.windowMs);
    await insertMessages(w.db, w.hosting.id, 6, {
      status: "held",
      acceptedAt: new Date(w.clock.now().getTime() - 1_000),
    });
    expect(await ingest.countAcceptedSince(w.hosting.id, minuteAgo(), 10)).toBe(6);
    expect((await status()).protection.burst).toEqual({ count: 6, limit: 5, windowSeconds: 60 });

    await w.services.email.request(w.customer, "example.org", "block");
    await unblock();
    expect(await ingest.countAcceptedSince(w.hosting.id, minuteAgo(), 10)).toBe(0);
    expect((await status()).protection.burst.count).toBe(0);

    // mail accepted after the unblock counts again
    w.clock.advance(1_000);
    await insertMessages(w.db, w.hosting.id, 2, { acceptedAt: w.clock.now() });
    expect(await ingest.countAcceptedSince(w.hosting.id, minuteAgo(), 10)).toBe(2);
  });
});

describe("the protection gauge", () => {
  it("shows each rule's figure against its threshold, counted from the window's start", async () => {
    await outcomes(2, 6);
    await heldSpam(2);
    const gauge = (await status()).protection;
    expect(gauge).toEqual({
      bounce: {
        ratio: 0.25,
        failed: 2,
        recipients: 8,
        threshold: 0.5,
        minFailures: 4,
        windowMinutes: 60,
      },
      // the burst window holds the spam accepted 10 s ago (the sent message is older)
      burst: { count: 2, limit: 5, windowSeconds: 60 },
      spam: { count: 2, limit: 10 },
      relaxedUntil: null,
      since: "2026-03-10T11:00:00.000Z",
    });
    // a system block's own figures are kept while blocked
    await w.services.email.request(SYSTEM, "example.org", "block", "test");
    expect((await status()).protection.bounce.failed).toBe(2);
  });
});
