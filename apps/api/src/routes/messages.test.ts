import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  call,
  createTestApp,
  errorCodeOf,
  insertDeliveryEvent,
  insertMessage,
  seedWorld,
  type TestApp,
  type World,
} from "../testing/fixtures.ts";

let t: TestApp;
let w: World;
let base: string;
const ids: string[] = [];

beforeAll(async () => {
  t = await createTestApp();
  w = await seedWorld(t);
  base = `/api/hostings/${w.hosting.serviceName}/email/messages`;
  // 7 messages a minute apart, oldest first; every third one held
  for (let i = 0; i < 7; i++) {
    const acceptedAt = new Date(t.clock.now().getTime() - (7 - i) * 60_000);
    ids.push(
      await insertMessage(t, w.hosting.id, {
        status: i % 3 === 0 ? "held" : "sent",
        acceptedAt,
        subject: `message ${i}`,
      }),
    );
  }
});
afterAll(() => t?.close());

describe("GET /api/hostings/:serviceName/email/messages", () => {
  it("pages through every message newest first with the cursor", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `?limit=3&cursor=${encodeURIComponent(cursor)}` : "?limit=3";
      const res = await call(t.app, w.owner, "GET", `${base}${query}`);
      expect(res.statusCode, res.body).toBe(200);
      const page = res.json();
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((m: { id: string }) => m.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());
  });

  it("filters by status", async () => {
    const res = await call(t.app, w.owner, "GET", `${base}?status=held`);
    expect(res.statusCode).toBe(200);
    const page = res.json();
    expect(page.items.map((m: { subject: string }) => m.subject)).toEqual([
      "message 6",
      "message 3",
      "message 0",
    ]);
    expect(page.nextCursor).toBeNull();
    expect(page.items[0]).toEqual({
      id: ids[6],
      acceptedAt: expect.any(String),
      from: "site@example.org",
      to: ["someone@example.com"],
      subject: "message 6",
      size: expect.any(Number),
      status: "held",
      attempts: 0,
      expiresAt: expect.any(String),
      nextAttemptAt: null,
      script: "",
      spam: false,
    });
  });

  it.each([
    ["status=unknown", "status"],
    ["limit=0", "limit"],
    ["limit=201", "limit"],
    [`cursor=${"x".repeat(201)}`, "cursor"],
  ])("refuses %s with 400 naming %s", async (query, path) => {
    const res = await call(t.app, w.owner, "GET", `${base}?${query}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields[0].path).toBe(path);
  });

  it("answers a forged cursor with 400, never 500", async () => {
    const res = await call(t.app, w.owner, "GET", `${base}?cursor=not-a-real-cursor`);
    expect(res.statusCode).toBe(400);
    expect(errorCodeOf(res)).toBe("validation_failed");
  });

  it("answers another customer's hosting with 404 whatever the cursor", async () => {
    const res = await call(t.app, w.other, "GET", `${base}?cursor=not-a-real-cursor`);
    expect(res.statusCode).toBe(404);
    expect(errorCodeOf(res)).toBe("not_found");
    const unknown = `/api/hostings/nothing.example.org/email/messages?cursor=x`;
    expect((await call(t.app, w.owner, "GET", unknown)).statusCode).toBe(404);
  });
});

describe("GET /api/hostings/:serviceName/email/messages/:id", () => {
  it("shows headers, recipients and delivery attempts", async () => {
    const id = await insertMessage(t, w.hosting.id, {
      status: "sending",
      recipients: ["a@example.com", "b@example.com"],
      delivered: ["a@example.com"],
    });
    await insertDeliveryEvent(t, w.hosting.id, id, {
      outcome: "delivered",
      recipient: "a@example.com",
      smtpCode: 250,
      text: "2.0.0 OK",
    });
    await insertDeliveryEvent(t, w.hosting.id, id, {
      outcome: "deferred",
      recipient: "b@example.com",
      smtpCode: 451,
      text: "4.7.1 Try again later",
    });

    const res = await call(t.app, w.support, "GET", `${base}/${id}`);
    expect(res.statusCode, res.body).toBe(200);
    const detail = res.json();
    expect(detail).toMatchObject({
      id,
      messageId: "<m1@example.org>",
      source: "sendmail",
      originatingScript: "/var/www/contact.php",
      sentAt: null,
      recipients: [
        { address: "a@example.com", delivered: true, outcome: "delivered", code: 250 },
        // being sent again after a deferral: waiting, its last reply kept
        { address: "b@example.com", delivered: false, outcome: "pending", code: 451 },
      ],
    });
    expect(detail.headers).toEqual(expect.arrayContaining([{ name: "Subject", value: "Hello" }]));
    expect(detail.attempts).toHaveLength(2);
    expect(detail.attempts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ recipient: "b@example.com", outcome: "deferred", code: 451 }),
      ]),
    );
  });

  it("answers 404 for an unknown id and 400 for a malformed one", async () => {
    const unknown = await call(
      t.app,
      w.owner,
      "GET",
      `${base}/00000000-0000-7000-8000-000000000000`,
    );
    expect(unknown.statusCode).toBe(404);
    expect(errorCodeOf(unknown)).toBe("not_found");
    const malformed = await call(t.app, w.owner, "GET", `${base}/42`);
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.fields[0].path).toBe("id");
  });
});

describe("GET /api/hostings/:serviceName/email/messages/:id/body", () => {
  const HTML_MAIL = [
    "From: Site <site@example.org>",
    "To: someone@example.com",
    "Subject: Offer",
    "MIME-Version: 1.0",
    'Content-Type: multipart/alternative; boundary="b"',
    "",
    "--b",
    "Content-Type: text/plain; charset=utf-8",
    "",
    "Cheap pills",
    "--b",
    "Content-Type: text/html; charset=utf-8",
    "",
    "<p>Cheap <b>pills</b></p><script>alert(1)</script>",
    "--b--",
    "",
  ].join("\r\n");
  let id: string;
  const url = (messageId: string, reason?: string) =>
    `${base}/${messageId}/body${reason === undefined ? "" : `?reason=${encodeURIComponent(reason)}`}`;
  const reads = () =>
    t.db.prisma.auditEntry.findMany({
      where: { action: "message.read_body" },
      orderBy: { at: "asc" },
    });

  beforeAll(async () => {
    id = await insertMessage(t, w.hosting.id, { status: "held" });
    await t.db.prisma.message.update({ where: { id }, data: { raw: Buffer.from(HTML_MAIL) } });
  });

  it("lets the owner read their message: text, HTML as sent, no attachments", async () => {
    const res = await call(t.app, w.owner, "GET", url(id));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expect(res.json()).toEqual({
      text: "Cheap pills",
      html: "<p>Cheap <b>pills</b></p><script>alert(1)</script>",
      attachments: [],
    });
  });

  it("answers another customer with 404", async () => {
    const res = await call(t.app, w.other, "GET", url(id));
    expect(res.statusCode).toBe(404);
    expect(errorCodeOf(res)).toBe("not_found");
  });

  it("refuses support without a reason (400) and audits a read with one", async () => {
    const before = (await reads()).length;
    const missing = await call(t.app, w.support, "GET", url(id));
    expect(missing.statusCode, missing.body).toBe(400);
    expect(errorCodeOf(missing)).toBe("reason_required");
    for (const blank of ["", "  "]) {
      const res = await call(t.app, w.support, "GET", url(id, blank));
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.fields[0].path).toBe("reason");
    }
    expect(await reads()).toHaveLength(before);

    const res = await call(t.app, w.support, "GET", url(id, "ticket 77: is this spam?"));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().text).toBe("Cheap pills");
    const audits = await reads();
    expect(audits).toHaveLength(before + 1);
    expect(audits.at(-1)).toMatchObject({
      actorRole: "support",
      hostingId: w.hosting.id,
      reason: "ticket 77: is this spam?",
      details: { messageId: id },
    });
  });

  it("says the content is no longer kept for purged mail and removed content (404)", async () => {
    const purged = await insertMessage(t, w.hosting.id, { status: "purged" });
    const sent = await insertMessage(t, w.hosting.id, { status: "sent" });
    await t.db.prisma.message.update({ where: { id: sent }, data: { raw: null } });
    for (const gone of [purged, sent]) {
      const res = await call(t.app, w.owner, "GET", url(gone));
      expect(res.statusCode, res.body).toBe(404);
      expect(errorCodeOf(res)).toBe("not_found");
      expect(res.json().error.message).toMatch(/no longer kept/);
    }
    const unknown = await call(t.app, w.owner, "GET", url("00000000-0000-7000-8000-000000000000"));
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.message).toBe("Not found.");
  });
});
