import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SYSTEM } from "../actor.ts";
import { HOUR } from "../clock.ts";
import { createWorld, disposeWorld, resetWorld, type World } from "../shared/test-fixtures.ts";
import type { DeliveryJob } from "./delivery-service.ts";
import type { SpamVerdict } from "./spam-verdict.ts";

// Issue 14: what the delivery service claims (held scripts wait, mail released by hand goes even
// while its hosting is blocked), how it records the spam scanner's verdicts, and the spam rule.

const MINUTE = 60_000;

let w: World;

beforeAll(async () => {
  w = await createWorld({
    mail: {
      burst: { limit: 0, windowMs: 60_000 },
      bounce: { ratio: 0, minFailures: 1, windowMs: HOUR },
      spam: { limit: 2, windowMs: HOUR },
    },
  });
});
afterAll(async () => {
  await disposeWorld(w);
});
beforeEach(async () => {
  await resetWorld(w);
  // the spam rule counts from the last unblock: none in this test yet
  await w.db.prisma.hosting.updateMany({
    data: { heldScripts: [], blockCause: null, stateChangedAt: new Date("2026-03-01T00:00:00Z") },
  });
  w.clock.set("2026-03-10T12:00:00.000Z");
});

const SPAM: SpamVerdict = {
  score: 15,
  action: "reject",
  symbols: [{ name: "GTUBE", score: 0, description: null }],
};
const CLEAN: SpamVerdict = {
  score: -0.1,
  action: "no action",
  symbols: [{ name: "MIME_GOOD", score: -0.1, description: "Known content-type" }],
};

/** Queues a message of example.org sent by `script`; returns its id. */
async function queue(script = "contact.php", hostingId = w.hosting.id): Promise<string> {
  const { id } = await w.services.mail.ingest.accept({
    hostingId,
    envelopeFrom: "site@example.org",
    recipients: ["someone@dest.test"],
    raw: Buffer.from("Subject: hi\r\n\r\nbody\r\n"),
    source: "smtp",
  });
  await w.db.sql.query(`UPDATE "Message" SET script = $2 WHERE id = $1::uuid`, [id, script]);
  return id;
}

const row = (id: string) => w.db.prisma.message.findUniqueOrThrow({ where: { id } });
const claimIds = async () => (await w.services.mail.delivery.claim(100)).map((j) => j.id).sort();
const delivered = (job: DeliveryJob) =>
  job.recipients.map((recipient) => ({
    recipient,
    outcome: "delivered" as const,
    code: 250,
    text: "ok",
  }));

describe("claim", () => {
  it("leaves the mail of a held script queued while the rest of the site's mail goes", async () => {
    const form = await queue("wp-content/plugins/form/send.php");
    const shop = await queue("shop/order.php");
    await w.db.prisma.hosting.update({
      where: { id: w.hosting.id },
      data: { heldScripts: ["wp-content/plugins/form/send.php"] },
    });
    expect(await claimIds()).toEqual([shop]);
    expect((await row(form)).status).toBe("queued");
  });

  it("takes mail released by hand even when its script is held or its hosting blocked", async () => {
    const form = await queue("form.php");
    const other = await queue("other.php");
    await w.db.prisma.hosting.update({
      where: { id: w.hosting.id },
      data: { heldScripts: ["form.php"] },
    });
    await w.db.prisma.message.update({ where: { id: form }, data: { released: true } });
    expect(await claimIds()).toEqual([form, other].sort());

    const blocked = await queue("other.php");
    const released = await queue("other.php");
    await w.db.prisma.message.update({ where: { id: released }, data: { released: true } });
    await w.services.email.request(SYSTEM, "example.org", "block", "test");
    expect(await claimIds()).toEqual([released]);
    expect((await row(blocked)).status).toBe("queued");
  });

  it("asks for a scan of the site's mail not scanned yet, never of system mail", async () => {
    const fresh = await queue();
    const scanned = await queue();
    await w.db.prisma.message.update({
      where: { id: scanned },
      data: { scannedAt: new Date(), spamScore: 1, spamAction: "no action" },
    });
    await w.services.outbox.enqueue({
      to: "someone@dest.test",
      from: "scripts-email@localhost",
      raw: Buffer.from("Subject: report\r\n\r\nbody\r\n"),
    });
    const jobs = await w.services.mail.delivery.claim(100);
    const needs = Object.fromEntries(jobs.map((j) => [j.hostingId ?? "system", j.needsScan]));
    expect(jobs.find((j) => j.id === fresh)?.needsScan).toBe(true);
    expect(jobs.find((j) => j.id === scanned)?.needsScan).toBe(false);
    expect(needs.system).toBe(false);
  });
});

describe("recording verdicts", () => {
  it("holds mail the scanner would reject as spam, counted like held mail, with its verdict", async () => {
    const spam = await queue();
    const clean = await queue();
    const jobs = await w.services.mail.delivery.claim(100);
    const job = (id: string) => jobs.find((j) => j.id === id)!;
    const applied = await w.services.mail.delivery.complete([
      { job: job(spam), spam: SPAM },
      { job: job(clean), recipients: delivered(job(clean)), scan: CLEAN },
    ]);
    expect([...applied].sort()).toEqual([spam, clean].sort());

    const held = await row(spam);
    expect(held).toMatchObject({
      status: "held",
      spam: true,
      released: false,
      nextAttemptAt: null,
      attempts: 0,
      spamScore: 15,
      spamAction: "reject",
      spamSymbols: SPAM.symbols,
    });
    expect(held.scannedAt).toEqual(w.clock.now());
    expect(await w.db.prisma.deliveryEvent.count({ where: { messageId: spam } })).toBe(0);

    const sent = await row(clean);
    expect(sent).toMatchObject({ status: "sent", spam: false, spamAction: "no action" });
    expect(sent.spamSymbols).toEqual(CLEAN.symbols);

    const [volume] = await w.db.prisma.dailyVolume.findMany({ where: { hostingId: w.hosting.id } });
    expect(volume).toMatchObject({ held: 1, sent: 1 });
    const status = await w.services.email.status(SYSTEM, "example.org");
    expect(status.held).toBe(1);
  });

  it("keeps the verdict of mail released after being flagged, and its flag", async () => {
    const id = await queue();
    const [first] = await w.services.mail.delivery.claim(100);
    await w.services.mail.delivery.complete([{ job: first!, spam: SPAM }]);
    // support releases it
    await w.db.prisma.message.update({
      where: { id },
      data: { status: "queued", released: true, nextAttemptAt: w.clock.now() },
    });
    w.clock.advance(MINUTE);
    const [again] = await w.services.mail.delivery.claim(100);
    expect(again).toMatchObject({ id, needsScan: false });
    await w.services.mail.delivery.complete([{ job: again!, recipients: delivered(again!) }]);
    const m = await row(id);
    expect(m).toMatchObject({ status: "sent", spam: true, released: true, spamAction: "reject" });
    expect(m.scannedAt).toEqual(new Date(w.clock.now().getTime() - MINUTE));
  });

  it("holds spam queued again without a release by hand, keeping its verdict, counted once", async () => {
    const id = await queue();
    const [first] = await w.services.mail.delivery.claim(100);
    expect(first!.flaggedSpam).toBe(false);
    await w.services.mail.delivery.complete([{ job: first!, spam: SPAM }]);
    const flaggedAt = (await row(id)).scannedAt;
    // the release of a hosting's held mail after an unblock queues it again
    await w.db.prisma.message.update({
      where: { id },
      data: { status: "queued", nextAttemptAt: w.clock.now() },
    });
    w.clock.advance(MINUTE);
    const [again] = await w.services.mail.delivery.claim(100);
    expect(again).toMatchObject({ id, flaggedSpam: true, needsScan: false });
    await w.services.mail.delivery.complete([{ job: again!, spam: null }]);
    const m = await row(id);
    expect(m).toMatchObject({ status: "held", spam: true, spamAction: "reject" });
    expect(m.scannedAt).toEqual(flaggedAt);
    const [volume] = await w.db.prisma.dailyVolume.findMany({ where: { hostingId: w.hosting.id } });
    expect(volume?.held).toBe(1);
  });

  it("ignores a verdict whose claim was taken over, as any late result", async () => {
    await queue();
    const [job] = await w.services.mail.delivery.claim(100);
    const stale = { ...job!, lease: new Date(job!.lease.getTime() - 1) };
    expect((await w.services.mail.delivery.complete([{ job: stale, spam: SPAM }])).size).toBe(0);
    expect(await row(job!.id)).toMatchObject({ status: "sending", spam: false, scannedAt: null });
  });
});

describe("spam rule", () => {
  async function flag(n: number) {
    for (let i = 0; i < n; i++) await queue();
    const jobs = await w.services.mail.delivery.claim(100);
    await w.services.mail.delivery.complete(jobs.map((job) => ({ job, spam: SPAM })));
  }
  const hosting = () => w.db.prisma.hosting.findUniqueOrThrow({ where: { id: w.hosting.id } });

  it("blocks the hosting with cause spam once more than the limit was flagged in an hour", async () => {
    await flag(2);
    expect((await hosting()).state).toBe("active");
    w.clock.advance(10 * MINUTE);
    await flag(1);
    const h = await hosting();
    expect(h).toMatchObject({ state: "blocked", blockCause: "spam" });
    expect(h.stateReason).toMatch(/spam/);
  });

  it("counts only the last hour, and from the last unblock", async () => {
    await flag(2);
    w.clock.advance(HOUR + MINUTE);
    await flag(2);
    expect((await hosting()).state).toBe("active");

    await flag(1);
    expect((await hosting()).state).toBe("blocked");
    // cleaned up and unblocked: the spam flagged before does not block it again at once
    w.clock.advance(MINUTE);
    await w.services.email.request(w.support, "example.org", "unblock", "cleaned up");
    w.clock.advance(MINUTE);
    await flag(2);
    expect((await hosting()).state).toBe("active");
    await flag(1);
    expect((await hosting()).state).toBe("blocked");
  });
});
