import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createWorld,
  disposeWorld,
  errorCode,
  insertMessages,
  type World,
} from "../shared/test-fixtures.ts";

let w: World;
let heldIds: string[];

beforeAll(async () => {
  w = await createWorld();
  const h = w.hosting.id;
  // 45 messages, many sharing one acceptedAt so that the id decides the order inside a tie
  heldIds = await insertMessages(
    w.db,
    h,
    25,
    { status: "held" },
    (i) => new Date(Date.UTC(2026, 2, 10, 9, Math.floor(i / 5))),
  );
  await insertMessages(
    w.db,
    h,
    20,
    { status: "sent" },
    (i) => new Date(Date.UTC(2026, 2, 10, 8, i)),
  );
  await insertMessages(w.db, w.otherHosting.id, 5, { status: "held" });
});
afterAll(async () => {
  await disposeWorld(w);
});

async function walk(status?: "held" | "sent", limit = 7) {
  const seen: string[] = [];
  const order: Array<[string, string]> = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await w.services.messages.list(w.customer, "example.org", {
      status,
      cursor,
      limit,
    });
    pages++;
    expect(page.items.length).toBeLessThanOrEqual(limit);
    for (const m of page.items) {
      seen.push(m.id);
      order.push([m.acceptedAt, m.id]);
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor && pages < 100);
  return { seen, order, pages };
}

describe("list", () => {
  it("pages through every message once, newest first", async () => {
    const { seen, order, pages } = await walk(undefined, 7);
    expect(seen).toHaveLength(45);
    expect(new Set(seen).size).toBe(45);
    expect(pages).toBe(7);
    const sorted = [...order].sort((a, b) =>
      a[0] === b[0] ? (a[1] < b[1] ? 1 : -1) : a[0] < b[0] ? 1 : -1,
    );
    expect(order).toEqual(sorted);
  });

  it("filters by status", async () => {
    const held = await walk("held", 10);
    expect(held.seen.sort()).toEqual([...heldIds].sort());
    const sent = await walk("sent", 50);
    expect(sent.seen).toHaveLength(20);
    expect(sent.pages).toBe(1);
  });

  it("ends with a null cursor when the last page is exactly full", async () => {
    const page = await w.services.messages.list(w.customer, "example.org", {
      status: "sent",
      limit: 20,
    });
    expect(page.items).toHaveLength(20);
    expect(page.nextCursor).toBeNull();
  });

  it("returns summaries", async () => {
    const page = await w.services.messages.list(w.customer, "example.org", {
      status: "held",
      limit: 1,
    });
    expect(page.items[0]).toMatchObject({
      acceptedAt: "2026-03-10T09:04:00.000Z",
      from: "www-data@example.org",
      status: "held",
      attempts: 0,
      expiresAt: "2026-03-13T09:04:00.000Z",
      nextAttemptAt: null,
    });
  });

  it("gives queued mail its delivery deadline as expiry, held mail its hold expiry", async () => {
    const accepted = new Date("2026-03-10T11:30:00.000Z");
    const [queued] = await insertMessages(w.db, w.otherHosting.id, 1, {
      status: "queued",
      acceptedAt: accepted,
    });
    const [held] = await insertMessages(w.db, w.otherHosting.id, 1, {
      status: "held",
      acceptedAt: new Date("2026-03-10T11:20:00.000Z"),
    });
    const page = await w.services.messages.list(w.other, "other.net", { limit: 2 });
    const expiry = Object.fromEntries(page.items.map((m) => [m.id, m.expiresAt]));
    // DELIVERY_MAX_HOURS (120 h by default), not the 72 h of a hold
    expect(expiry[queued as string]).toBe("2026-03-15T11:30:00.000Z");
    expect(expiry[held as string]).toBe("2026-03-13T11:20:00.000Z");
  });

  it("refuses a malformed cursor and other customers", async () => {
    for (const cursor of ["garbage", Buffer.from('["x","y"]').toString("base64url")]) {
      expect(
        await errorCode(w.services.messages.list(w.customer, "example.org", { cursor, limit: 5 })),
      ).toBe("validation_failed");
    }
    expect(await errorCode(w.services.messages.list(w.other, "example.org", { limit: 5 }))).toBe(
      "not_found",
    );
  });
});

describe("get", () => {
  it("shows headers, recipients with delivery and attempts oldest first", async () => {
    const raw = new TextEncoder().encode(
      "From: site <www@example.org>\r\nTo: a@x.test, b@x.test\r\nSubject: Hello\r\n world\r\n\r\nBody: not a header\r\n",
    );
    const [id] = await insertMessages(w.db, w.hosting.id, 1, {
      status: "sending",
      recipients: ["a@x.test", "b@x.test"],
      delivered: ["a@x.test"],
      raw,
    });
    const messageId = id as string;
    await w.db.prisma.deliveryEvent.createMany({
      data: (
        [
          ["2026-03-10T10:05:00.000Z", "b@x.test", "deferred", 451],
          ["2026-03-10T10:00:00.000Z", "a@x.test", "delivered", 250],
        ] as const
      ).map(([at, recipient, outcome, smtpCode]) => ({
        id: randomUUID(),
        at: new Date(at),
        recipient,
        outcome,
        smtpCode,
        messageId,
        hostingId: w.hosting.id,
        text: "ok",
      })),
    });
    const detail = await w.services.messages.get(w.support, "example.org", messageId);
    expect(detail.headers).toEqual([
      { name: "From", value: "site <www@example.org>" },
      { name: "To", value: "a@x.test, b@x.test" },
      { name: "Subject", value: "Hello world" },
    ]);
    expect(detail.recipients.map((r) => [r.address, r.delivered, r.outcome])).toEqual([
      ["a@x.test", true, "delivered"],
      ["b@x.test", false, "pending"],
    ]);
    expect(detail.attempts.map((a) => [a.recipient, a.outcome, a.code])).toEqual([
      ["a@x.test", "delivered", 250],
      ["b@x.test", "deferred", 451],
    ]);
    expect(detail).toMatchObject({ source: "sendmail", sentAt: null, messageId: null });
  });

  it("gives each recipient its own outcome: one refused with 550 is failed, not waiting", async () => {
    const raw = new TextEncoder().encode(
      "From: =?UTF-8?B?Sm9zw6kgU2lsdmE=?= <www@example.org>\r\nSubject: =?UTF-8?Q?Encomenda_n=C2=BA_42?=\r\n\r\nbody\r\n",
    );
    const accepted = new Date("2026-03-10T10:00:00.000Z");
    const [id] = await insertMessages(w.db, w.hosting.id, 1, {
      status: "queued",
      acceptedAt: accepted,
      recipients: ["ok@x.test", "gone@x.test", "busy@x.test", "new@x.test"],
      delivered: ["ok@x.test"],
      raw,
    });
    const messageId = id as string;
    const next = new Date("2026-03-10T10:20:00.000Z");
    await w.db.prisma.message.update({
      where: { id: messageId },
      data: { failed: ["gone@x.test"], nextAttemptAt: next, attempts: 2 },
    });
    const events = [
      ["2026-03-10T10:01:00.000Z", "ok@x.test", "delivered", 250, "250 2.0.0 Ok: queued as 4F2"],
      ["2026-03-10T10:01:00.000Z", "gone@x.test", "failed", 550, "550 5.1.1 User unknown"],
      ["2026-03-10T10:01:00.000Z", "busy@x.test", "deferred", 451, "451 4.3.0 Try later"],
      [
        "2026-03-10T10:05:00.000Z",
        "busy@x.test",
        "deferred",
        452,
        "452-4.2.2 Mailbox full\n452 4.2.2 over quota",
      ],
    ] as const;
    await w.db.prisma.deliveryEvent.createMany({
      data: events.map(([at, recipient, outcome, smtpCode, text]) => ({
        id: randomUUID(),
        at: new Date(at),
        recipient,
        outcome,
        smtpCode,
        text,
        messageId,
        hostingId: w.hosting.id,
      })),
    });
    const detail = await w.services.messages.get(w.customer, "example.org", messageId);
    expect(detail.recipients).toEqual([
      {
        address: "ok@x.test",
        delivered: true,
        outcome: "delivered",
        code: 250,
        reply: "2.0.0 Ok: queued as 4F2",
        at: "2026-03-10T10:01:00.000Z",
        nextAttemptAt: null,
      },
      {
        address: "gone@x.test",
        delivered: false,
        outcome: "failed",
        code: 550,
        reply: "5.1.1 User unknown",
        at: "2026-03-10T10:01:00.000Z",
        nextAttemptAt: null,
      },
      {
        address: "busy@x.test",
        delivered: false,
        outcome: "deferred",
        code: 452,
        reply: "4.2.2 Mailbox full over quota",
        at: "2026-03-10T10:05:00.000Z",
        nextAttemptAt: next.toISOString(),
      },
      {
        address: "new@x.test",
        delivered: false,
        outcome: "pending",
        code: null,
        reply: null,
        at: null,
        nextAttemptAt: null,
      },
    ]);
    // each attempt's reply without its code: shown beside it, the code reads once
    expect(detail.attempts.map((a) => `${a.code} ${a.text}`)).toContain("550 5.1.1 User unknown");
    // queued mail is retried until its delivery deadline (DELIVERY_MAX_HOURS, 120 h by default)
    expect(detail.expiresAt).toBe(new Date(accepted.getTime() + 120 * 3_600_000).toISOString());
    // encoded words in the headers are shown decoded
    expect(detail.headers).toEqual([
      { name: "From", value: "José Silva <www@example.org>" },
      { name: "Subject", value: "Encomenda nº 42" },
    ]);

    // held after the relay deferred it (a block): it expires at its hold expiry, not retried
    await w.db.prisma.message.update({
      where: { id: messageId },
      data: { status: "held", nextAttemptAt: null },
    });
    const held = await w.services.messages.get(w.customer, "example.org", messageId);
    expect(held.expiresAt).toBe(new Date(accepted.getTime() + 72 * 3_600_000).toISOString());
    expect(held.recipients.map((r) => [r.address, r.outcome])).toEqual([
      ["ok@x.test", "delivered"],
      ["gone@x.test", "failed"],
      ["busy@x.test", "held"],
      ["new@x.test", "held"],
    ]);
  });

  it("headers are null once the content is gone", async () => {
    const detail = await w.services.messages.get(w.customer, "example.org", heldIds[0] as string);
    expect(detail.headers).toBeNull();
  });

  it("is not_found outside the hosting, for other customers and for bad ids", async () => {
    const [foreign] = await insertMessages(w.db, w.otherHosting.id, 1, { status: "held" });
    expect(
      await errorCode(w.services.messages.get(w.customer, "example.org", foreign as string)),
    ).toBe("not_found");
    expect(
      await errorCode(w.services.messages.get(w.other, "example.org", heldIds[0] as string)),
    ).toBe("not_found");
    expect(await errorCode(w.services.messages.get(w.customer, "example.org", "not-a-uuid"))).toBe(
      "not_found",
    );
    expect(await errorCode(w.services.messages.get(w.customer, "example.org", randomUUID()))).toBe(
      "not_found",
    );
  });
});
