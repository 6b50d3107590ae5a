import { DAY, HOUR } from "@scripts-email/domain";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  call,
  createTestApp,
  insertDailyVolume,
  insertDeliveryEvent,
  insertMessage,
  login,
  PASSWORD,
  type Session,
  seedWorld,
  type TestApp,
  type World,
} from "../testing/fixtures.ts";

let t: TestApp;
let w: World;
let url: string;

beforeAll(async () => {
  t = await createTestApp();
  w = await seedWorld(t);
  url = `/api/hostings/${w.hosting.serviceName}/email`;
});
afterAll(() => t?.close());

async function resetState(): Promise<void> {
  await t.db.prisma.hosting.update({
    where: { id: w.hosting.id },
    data: { state: "active", blockedByRole: null, stateReason: null },
  });
}

function request(who: Session, action: string, reason?: string, headers = {}) {
  return call(t.app, who, "POST", `${url}/requests`, { action, reason }, headers);
}

describe("GET /api/hostings/:serviceName/email", () => {
  it("returns the state and the counters", async () => {
    const today = t.clock.now().toISOString().slice(0, 10);
    const yesterday = new Date(t.clock.now().getTime() - DAY).toISOString().slice(0, 10);
    await insertDailyVolume(t, w.hosting.id, today, { sent: 3, errors: 1, accepted: 5 });
    await insertDailyVolume(t, w.hosting.id, yesterday, { sent: 7, errors: 2 });
    const oldest = new Date(t.clock.now().getTime() - 10 * HOUR);
    await insertMessage(t, w.hosting.id, { status: "held", acceptedAt: oldest });
    await insertMessage(t, w.hosting.id, { status: "held" });
    await insertMessage(t, w.hosting.id, { status: "queued" });

    const res = await call(t.app, w.owner, "GET", url);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      state: "active",
      blockedBy: null,
      stateReason: null,
      stateChangedAt: expect.any(String),
      reportRecipient: "w-owner@example.com",
      alertWebhookUrl: null,
      sent: 10,
      sentToday: 3,
      acceptedToday: 5,
      refusedToday: 0,
      maxPerDay: 1000,
      errors: 3,
      held: 2,
      queued: 1,
      nextExpiry: new Date(oldest.getTime() + 72 * HOUR).toISOString(),
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
        // counted after the hosting's creation, at this same instant
        burst: { count: 0, limit: 1000, windowSeconds: 60 },
        spam: { count: 0, limit: expect.any(Number) },
        relaxedUntil: null,
        since: expect.any(String),
      },
      spam: 0,
      spamChecking: false,
      heldScripts: [],
      alertsOff: [],
    });
  });

  it("refuses a malformed service name with 400 and the field", async () => {
    const res = await call(t.app, w.owner, "GET", "/api/hostings/NOT%20A%20NAME/email");
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({
      code: "validation_failed",
      fields: [{ path: "serviceName", message: expect.any(String) }],
    });
  });
});

describe("PUT /api/hostings/:serviceName/email", () => {
  it("sets the report recipient (normalised) and returns the status", async () => {
    const res = await call(t.app, w.owner, "PUT", url, {
      reportRecipient: " Reports@Example.COM ",
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().reportRecipient).toBe("reports@example.com");
    const again = await call(t.app, w.owner, "GET", url);
    expect(again.json().reportRecipient).toBe("reports@example.com");
  });

  it.each([
    [{ reportRecipient: "not an address" }, "reportRecipient"],
    [{ reportRecipient: "a@b.example\r\nBcc: x@y.example" }, "reportRecipient"],
    [{ reportRecipient: 42 }, "reportRecipient"],
    [{}, "body"],
  ])("refuses %j with 400 naming %s", async (body, path) => {
    const res = await call(t.app, w.owner, "PUT", url, body);
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe("validation_failed");
    expect(error.fields.map((f: { path: string }) => f.path)).toContain(path);
  });

  it("sets, keeps and removes the alert webhook URL", async () => {
    const set = await call(t.app, w.owner, "PUT", url, {
      reportRecipient: "ok@example.com",
      alertWebhookUrl: "https://hooks.example.com/scripts-email",
    });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json().alertWebhookUrl).toBe("https://hooks.example.com/scripts-email");
    const kept = await call(t.app, w.owner, "PUT", url, { reportRecipient: "ok@example.com" });
    expect(kept.json().alertWebhookUrl).toBe("https://hooks.example.com/scripts-email");
    const removed = await call(t.app, w.owner, "PUT", url, {
      reportRecipient: "ok@example.com",
      alertWebhookUrl: null,
    });
    expect(removed.json().alertWebhookUrl).toBeNull();
  });

  it("shows the webhook's signing key once, in the answer that made it, and rotates it", async () => {
    const set = await call(t.app, w.owner, "PUT", url, {
      alertWebhookUrl: "https://hooks.example.com/signed",
    });
    expect(set.statusCode, set.body).toBe(200);
    const first = set.json().alertWebhookSecret;
    expect(first).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const stored = await t.db.prisma.hosting.findUniqueOrThrow({ where: { id: w.hosting.id } });
    expect(stored.alertWebhookSecret).toBe(first);
    // never again: not in the page, not when something else changes, not for the same URL
    const page = await call(t.app, w.owner, "GET", url);
    expect(page.json()).not.toHaveProperty("alertWebhookSecret");
    expect(page.body).not.toContain(first);
    const other = await call(t.app, w.owner, "PUT", url, { reportRecipient: "ok@example.com" });
    expect(other.json()).not.toHaveProperty("alertWebhookSecret");
    const same = await call(t.app, w.owner, "PUT", url, {
      alertWebhookUrl: "https://hooks.example.com/signed",
    });
    expect(same.json()).not.toHaveProperty("alertWebhookSecret");

    const rotated = await call(t.app, w.owner, "PUT", url, { rotateAlertWebhookSecret: true });
    expect(rotated.statusCode, rotated.body).toBe(200);
    expect(rotated.json().alertWebhookSecret).toMatch(/^whsec_/);
    expect(rotated.json().alertWebhookSecret).not.toBe(first);

    const removed = await call(t.app, w.owner, "PUT", url, { alertWebhookUrl: null });
    expect(removed.json()).not.toHaveProperty("alertWebhookSecret");
    const gone = await t.db.prisma.hosting.findUniqueOrThrow({ where: { id: w.hosting.id } });
    expect(gone.alertWebhookSecret).toBeNull();
    // no webhook, no key to rotate
    const none = await call(t.app, w.owner, "PUT", url, { rotateAlertWebhookSecret: true });
    expect(none.statusCode).toBe(400);
  });

  it.each([
    "https://169.254.169.254/latest/meta-data/",
    "https://10.0.0.8/x",
    "https://[::ffff:127.0.0.1]/x",
    "https://0x7f000001/x",
    "https://127.1/x",
    "http://127.0.0.1:8080/x",
    "http://localhost/x",
  ])("refuses the internal alert webhook URL %s", async (alertWebhookUrl) => {
    const res = await call(t.app, w.owner, "PUT", url, { alertWebhookUrl });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields.map((f: { path: string }) => f.path)).toContain(
      "alertWebhookUrl",
    );
    expect(res.json().error.message).toMatch(/internal network address/);
  });

  it.each([
    "http://hooks.example.com/x",
    "ftp://hooks.example.com/x",
    "https://user:secret@hooks.example.com/x",
    "not a url",
  ])("refuses the alert webhook URL %s", async (alertWebhookUrl) => {
    const res = await call(t.app, w.owner, "PUT", url, {
      reportRecipient: "ok@example.com",
      alertWebhookUrl,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields.map((f: { path: string }) => f.path)).toContain(
      "alertWebhookUrl",
    );
  });

  it("ignores unknown body fields (they are stripped, never stored)", async () => {
    const res = await call(t.app, w.owner, "PUT", url, {
      reportRecipient: "ok@example.com",
      maxPerDay: 1_000_000,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ reportRecipient: "ok@example.com", maxPerDay: 1000 });
  });

  it("records a change made by support in the audit log", async () => {
    const res = await call(t.app, w.support, "PUT", url, { reportRecipient: "s@example.com" });
    expect(res.statusCode).toBe(200);
    // the owner's changes above are audited too, as the customer's
    const entries = await t.db.prisma.auditEntry.findMany({
      where: { hostingId: w.hosting.id, action: "email.report_recipient" },
      orderBy: { id: "asc" },
    });
    expect(entries.map((e) => e.actorRole)).toContain("customer");
    expect(entries.filter((e) => e.actorRole === "support")).toMatchObject([
      { details: { to: "s@example.com" } },
    ]);
  });
});

describe("GET /api/hostings/:serviceName/email/reports", () => {
  it("lists the last reports, newest day first, with the status of their message", async () => {
    const message = await insertMessage(t, w.hosting.id, { status: "sent" });
    await t.db.prisma.message.update({ where: { id: message }, data: { hostingId: null } });
    await t.db.prisma.reportRun.createMany({
      data: [
        {
          hostingId: w.hosting.id,
          day: new Date("2026-03-01T00:00:00Z"),
          recipient: "a@example.com",
          errorCount: 4,
          messageId: message,
        },
        {
          hostingId: w.hosting.id,
          day: new Date("2026-03-02T00:00:00Z"),
          recipient: "b@example.com",
          errorCount: 1,
        },
      ],
    });
    const res = await call(t.app, w.owner, "GET", `${url}/reports?limit=1`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual([
      { date: "2026-03-02", recipient: "b@example.com", errors: 1, status: "failed" },
    ]);
    const all = await call(t.app, w.owner, "GET", `${url}/reports`);
    expect(all.json().map((r: { status: string }) => r.status)).toEqual(["failed", "sent"]);
    const bad = await call(t.app, w.owner, "GET", `${url}/reports?limit=1000`);
    expect(bad.statusCode).toBe(400);
  });
});

describe("POST /api/hostings/:serviceName/email/requests", () => {
  beforeEach(resetState);

  it("blocks, purges and refuses what is not possible now with 409", async () => {
    const block = await request(w.owner, "block");
    expect(block.statusCode, block.body).toBe(202);
    expect(block.json()).toMatchObject({ state: "blocked", blockedBy: "customer" });

    const blockAgain = await request(w.owner, "block");
    expect(blockAgain.statusCode).toBe(409);
    expect(blockAgain.json().error).toEqual({
      code: "invalid_transition",
      message: "Sending can only be blocked while it is active; the hosting is blocked.",
    });

    const purge = await request(w.owner, "purge");
    expect(purge.statusCode).toBe(202);
    expect(purge.json().state).toBe("purging");

    const unblock = await request(w.owner, "unblock");
    expect(unblock.statusCode).toBe(409);
    expect(unblock.json().error.code).toBe("invalid_transition");
    expect(unblock.json().error.message).toContain("purging");
  });

  it("refuses a purge while active with a message the customer understands", async () => {
    const res = await request(w.owner, "purge");
    expect(res.statusCode).toBe(409);
    expect(res.json()).toEqual({
      error: {
        code: "invalid_transition",
        message: "Held mail can only be purged while sending is blocked; the hosting is active.",
      },
      requestId: expect.any(String),
    });
  });

  it("answers in the language asked for, else in the user's own", async () => {
    await t.services.users.create({
      email: "w-owner-pt@example.com",
      password: PASSWORD,
      role: "customer",
      locale: "pt",
    });
    await t.services.hostings.create({
      serviceName: "pt-owner.example.pt",
      ownerEmail: "w-owner-pt@example.com",
    });
    const pt = await login(t.app, "w-owner-pt@example.com");
    const purge = (headers: Record<string, string>) =>
      call(
        t.app,
        pt,
        "POST",
        "/api/hostings/pt-owner.example.pt/email/requests",
        { action: "purge" },
        headers,
      );
    const own = await purge({});
    expect(own.statusCode).toBe(409);
    expect(own.json().error.message).toBe(
      "O correio retido só pode ser purgado enquanto o envio está bloqueado; o alojamento está ativo.",
    );
    const french = await purge({ "accept-language": "fr-FR,fr;q=0.9" });
    expect(french.json().error.message).toBe(
      "Le courrier retenu ne peut être purgé que pendant que l’envoi est bloqué ; l’hébergement est actif.",
    );
  });

  it("refuses an unknown action with 400", async () => {
    const res = await request(w.owner, "delete-everything");
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields[0].path).toBe("action");
  });

  it("lets exactly one of many parallel blocks win; the others get 409", async () => {
    const changesBefore = await t.db.prisma.stateChange.count({
      where: { hostingId: w.hosting.id },
    });
    const answers = await Promise.all(Array.from({ length: 8 }, () => request(w.owner, "block")));
    const statuses = answers.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([202, 409, 409, 409, 409, 409, 409, 409]);
    for (const r of answers.filter((a) => a.statusCode === 409)) {
      expect(r.json().error.code).toBe("invalid_transition");
    }
    const changesAfter = await t.db.prisma.stateChange.count({
      where: { hostingId: w.hosting.id },
    });
    expect(changesAfter - changesBefore).toBe(1);
  });

  it("lets exactly one of parallel unblock and purge requests win", async () => {
    expect((await request(w.owner, "block")).statusCode).toBe(202);
    const answers = await Promise.all([
      request(w.owner, "unblock"),
      request(w.owner, "purge"),
      request(w.owner, "unblock"),
      request(w.owner, "purge"),
    ]);
    expect(answers.filter((r) => r.statusCode === 202)).toHaveLength(1);
    expect(answers.filter((r) => r.statusCode === 409)).toHaveLength(3);
  });

  it("requires a reason from support, then records the action in the audit log", async () => {
    const without = await request(w.support, "block");
    expect(without.statusCode).toBe(400);
    expect(without.json().error).toMatchObject({
      code: "reason_required",
      message: "Support actions need a reason.",
    });

    const blank = await request(w.support, "block", "   ");
    expect(blank.statusCode).toBe(400);

    const withReason = await request(w.support, "block", "Spam run from contact form");
    expect(withReason.statusCode).toBe(202);
    expect(withReason.json()).toMatchObject({
      state: "blocked",
      blockedBy: "support",
      stateReason: "Spam run from contact form",
    });
    const audit = await t.db.prisma.auditEntry.findMany({
      where: { hostingId: w.hosting.id, action: "email.block" },
    });
    expect(audit).toEqual([
      expect.objectContaining({
        actorId: w.support.me.id,
        actorRole: "support",
        reason: "Spam run from contact form",
      }),
    ]);
  });

  it("does not let the customer lift or purge a block made by support", async () => {
    expect((await request(w.support, "block", "abuse")).statusCode).toBe(202);
    for (const action of ["unblock", "purge"]) {
      const res = await request(w.owner, action);
      expect(res.statusCode).toBe(409);
      expect(res.json().error).toEqual({
        code: "blocked_by_support",
        message: "Sending was blocked by our support team. Please contact support to lift it.",
      });
    }
    const lifted = await request(w.support, "unblock", "customer fixed the form");
    expect(lifted.statusCode).toBe(202);
    expect(lifted.json()).toMatchObject({ state: "active", blockedBy: null });
  });

  it("refuses a multi-line reason", async () => {
    const res = await request(w.support, "block", "line one\nline two");
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe("validation_failed");
  });
});

describe("unblock rules by block cause", () => {
  beforeEach(async () => {
    await resetState();
    await t.db.prisma.message.deleteMany({ where: { hostingId: w.hosting.id } });
    await t.db.prisma.hosting.update({
      where: { id: w.hosting.id },
      data: { blockCause: null, bounceRelaxedUntil: null, stateChangedAt: t.clock.now() },
    });
  });

  const status = async (who: Session) => (await call(t.app, who, "GET", url)).json();
  const autoBlock = (cause: "burst" | "bounce" | "spam") =>
    t.services.mail.protection.block(w.hosting.id, `${cause}: test`, cause);

  async function heldSpam(): Promise<string> {
    const id = await insertMessage(t, w.hosting.id, { status: "held" });
    await t.db.prisma.message.update({ where: { id }, data: { spam: true } });
    return id;
  }

  it("spam: the customer gets 409 spam_not_purged until the spam is deleted", async () => {
    const spam = await heldSpam();
    await insertMessage(t, w.hosting.id, { status: "held" });
    await autoBlock("spam");
    expect(await status(w.owner)).toMatchObject({
      blockCause: "spam",
      spam: 1,
      unblock: { allowed: false, reason: "spam_not_purged" },
    });

    const refused = await request(w.owner, "unblock");
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toEqual({
      code: "spam_not_purged",
      message:
        "Mail flagged as spam is still held. Delete it first (purge the held mail, or delete the spam selectively), then unblock.",
    });
    const french = await request(w.owner, "unblock", undefined, { "accept-language": "fr" });
    expect(french.json().error.message).toMatch(/^Des messages signalés comme spam/);

    await t.db.prisma.message.delete({ where: { id: spam } });
    const lifted = await request(w.owner, "unblock");
    expect(lifted.statusCode, lifted.body).toBe(202);
    expect(lifted.json()).toMatchObject({ state: "active", blockCause: null, held: 1 });
  });

  it("spam: support unblocks with a reason, audited", async () => {
    await heldSpam();
    await autoBlock("spam");
    expect((await status(w.support)).unblock).toEqual({ allowed: true, reason: null });
    expect((await request(w.support, "unblock")).json().error.code).toBe("reason_required");
    const lifted = await request(w.support, "unblock", "scanner false positive");
    expect(lifted.statusCode, lifted.body).toBe(202);
    const audit = await t.db.prisma.auditEntry.findMany({
      where: { hostingId: w.hosting.id, action: "email.unblock", reason: "scanner false positive" },
    });
    expect(audit).toHaveLength(1);
  });

  it("bounce: the customer acknowledges and resumes with the threshold doubled for 24 h", async () => {
    await autoBlock("bounce");
    const resumed = await request(w.owner, "unblock");
    expect(resumed.statusCode, resumed.body).toBe(202);
    const until = new Date(t.clock.now().getTime() + 24 * HOUR).toISOString();
    expect(resumed.json()).toMatchObject({
      state: "active",
      protection: { relaxedUntil: until, bounce: { threshold: 1 } },
    });
    const history = await call(t.app, w.owner, "GET", `${url}/history`);
    expect(history.json()[0]).toMatchObject({
      from: "blocked",
      to: "active",
      actorRole: "customer",
      reason: `bounce block acknowledged: bounce threshold doubled until ${until}`,
    });
  });

  it("support: only support lifts it (409 blocked_by_support for the customer)", async () => {
    expect((await request(w.support, "block", "abuse report")).statusCode).toBe(202);
    expect((await status(w.owner)).unblock).toEqual({
      allowed: false,
      reason: "blocked_by_support",
    });
    const refused = await request(w.owner, "unblock");
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe("blocked_by_support");
    expect((await request(w.support, "unblock", "resolved")).statusCode).toBe(202);
  });

  it("after an unblock the old bounces no longer count", async () => {
    const messageId = await insertMessage(t, w.hosting.id, { status: "failed" });
    for (let i = 0; i < 20; i++) {
      await insertDeliveryEvent(t, w.hosting.id, messageId, {
        outcome: "failed",
        recipient: `gone${i}@example.com`,
      });
    }
    await t.services.mail.protection.checkBounces([w.hosting.id]);
    expect(await status(w.owner)).toMatchObject({
      state: "blocked",
      blockCause: "bounce",
      protection: { bounce: { failed: 20, recipients: 20, ratio: 1 } },
    });

    t.clock.advance(60_000);
    expect((await request(w.owner, "unblock")).statusCode).toBe(202);
    await t.services.mail.protection.checkBounces([w.hosting.id]);
    expect(await status(w.owner)).toMatchObject({
      state: "active",
      protection: {
        bounce: { failed: 0, recipients: 0 },
        since: t.clock.now().toISOString(),
      },
    });
  });
});

describe("GET /api/hostings/:serviceName/email/history", () => {
  it("lists the state changes; support staff stay anonymous to the customer", async () => {
    await resetState();
    await t.db.prisma.stateChange.deleteMany({ where: { hostingId: w.hosting.id } });
    await request(w.owner, "block");
    t.clock.advance(60_000);
    await request(w.support, "unblock", "checked");
    t.clock.advance(60_000);

    const asOwner = await call(t.app, w.owner, "GET", `${url}/history`);
    expect(asOwner.statusCode).toBe(200);
    const changes = asOwner.json();
    expect(changes).toHaveLength(2);
    expect(changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          from: "active",
          to: "blocked",
          actorRole: "customer",
          actorEmail: "w-owner@example.com",
        }),
        expect.objectContaining({
          from: "blocked",
          to: "active",
          actorRole: "support",
          actorEmail: null,
          reason: "checked",
        }),
      ]),
    );
    const asSupport = await call(t.app, w.support, "GET", `${url}/history`);
    expect(asSupport.json()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ actorRole: "support", actorEmail: "w-support@example.com" }),
      ]),
    );
  });
});

describe("GET /api/hostings/:serviceName/email/errors", () => {
  it("lists delivery errors newest first, 20 by default, at most 100", async () => {
    const messageId = await insertMessage(t, w.otherHosting.id, { status: "failed" });
    for (let i = 0; i < 25; i++) {
      await insertDeliveryEvent(t, w.otherHosting.id, messageId, {
        outcome: "failed",
        at: new Date(t.clock.now().getTime() - (25 - i) * 60_000),
        recipient: `r${i}@example.com`,
        smtpCode: 550,
        text: "5.1.1 User unknown",
      });
    }
    await insertDeliveryEvent(t, w.otherHosting.id, messageId, { outcome: "delivered" });
    const base = `/api/hostings/${w.otherHosting.serviceName}/email/errors`;

    const page = await call(t.app, w.other, "GET", base);
    expect(page.statusCode).toBe(200);
    const items = page.json();
    expect(items).toHaveLength(20);
    expect(items[0]).toEqual({
      date: expect.any(String),
      recipient: "r24@example.com",
      code: 550,
      message: "5.1.1 User unknown",
      outcome: "failed",
    });

    expect((await call(t.app, w.other, "GET", `${base}?limit=3`)).json()).toHaveLength(3);
    expect((await call(t.app, w.other, "GET", `${base}?limit=100`)).json()).toHaveLength(25);
    for (const bad of ["0", "101", "abc", "1.5"]) {
      const res = await call(t.app, w.other, "GET", `${base}?limit=${bad}`);
      expect(res.statusCode, bad).toBe(400);
      expect(res.json().error.fields[0].path).toBe("limit");
    }
  });
});

describe("GET /api/hostings/:serviceName/email/volumes", () => {
  it("returns one entry per day, 30 by default, zero-filled", async () => {
    const base = `/api/hostings/${w.otherHosting.serviceName}/email/volumes`;
    const twoDaysAgo = new Date(t.clock.now().getTime() - 2 * DAY).toISOString().slice(0, 10);
    await insertDailyVolume(t, w.otherHosting.id, twoDaysAgo, { sent: 12, errors: 4 });

    const res = await call(t.app, w.other, "GET", base);
    expect(res.statusCode).toBe(200);
    const days = res.json();
    expect(days).toHaveLength(30);
    expect(days.at(-1).date).toBe(t.clock.now().toISOString().slice(0, 10));
    expect(days.find((d: { date: string }) => d.date === twoDaysAgo)).toEqual({
      date: twoDaysAgo,
      sent: 12,
      errors: 4,
    });

    expect((await call(t.app, w.other, "GET", `${base}?days=7`)).json()).toHaveLength(7);
    expect((await call(t.app, w.other, "GET", `${base}?days=0`)).statusCode).toBe(400);
    expect((await call(t.app, w.other, "GET", `${base}?days=1000`)).statusCode).toBe(400);
  });
});
