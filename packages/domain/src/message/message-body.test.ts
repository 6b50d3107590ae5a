import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DomainError } from "../errors.ts";
import {
  createWorld,
  disposeWorld,
  errorCode,
  insertMessages,
  type World,
} from "../shared/test-fixtures.ts";
import { parseMessageBody } from "./message-body.ts";

const crlf = (lines: string[]) => new TextEncoder().encode(lines.join("\r\n"));

/** An order confirmation as a PHP shop sends it: text and HTML alternatives and a PDF. */
const ORDER = crlf([
  "From: shop <shop@example.org>",
  "To: client@example.com",
  "Subject: Your order",
  "MIME-Version: 1.0",
  'Content-Type: multipart/mixed; boundary="outer"',
  "",
  "--outer",
  'Content-Type: multipart/alternative; boundary="inner"',
  "",
  "--inner",
  "Content-Type: text/plain; charset=utf-8",
  "Content-Transfer-Encoding: quoted-printable",
  "",
  "Thank you for your order n=C2=BA 42.",
  "--inner",
  "Content-Type: text/html; charset=utf-8",
  "",
  '<p>Thank you <img src="cid:logo@shop"><script>steal()</script></p>',
  "--inner--",
  "--outer",
  'Content-Type: application/pdf; name="invoice.pdf"',
  'Content-Disposition: attachment; filename="invoice.pdf"',
  "Content-Transfer-Encoding: base64",
  "",
  Buffer.from("%PDF-1.4 secret invoice content").toString("base64"),
  "--outer",
  "Content-Type: image/png",
  "Content-ID: <logo@shop>",
  "Content-Transfer-Encoding: base64",
  "",
  Buffer.from("PNGDATA").toString("base64"),
  "--outer--",
  "",
]);

describe("parseMessageBody", () => {
  it("gives the text and HTML parts as sent and the attachments without their content", async () => {
    const body = await parseMessageBody(ORDER);
    expect(body.text?.trim()).toBe("Thank you for your order nº 42.");
    // kept as it is: the panel renders it safely; cid links are not inlined as data URLs
    expect(body.html).toContain("<script>steal()</script>");
    expect(body.html).toContain('src="cid:logo@shop"');
    expect(body.attachments).toEqual([
      { filename: "invoice.pdf", contentType: "application/pdf", size: 31 },
      { filename: null, contentType: "image/png", size: 7 },
    ]);
    expect(JSON.stringify(body)).not.toContain("secret invoice");
  });

  it("has no text part for an HTML-only message, and no HTML part for a plain one", async () => {
    const htmlOnly = await parseMessageBody(
      crlf(["Subject: x", "Content-Type: text/html", "", "<b>only HTML</b>", ""]),
    );
    expect(htmlOnly).toEqual({ text: null, html: "<b>only HTML</b>\n", attachments: [] });
    const plain = await parseMessageBody(crlf(["Subject: x", "", "just text", ""]));
    expect(plain).toEqual({ text: "just text\n", html: null, attachments: [] });
  });
});

describe("messages.body", () => {
  const LIMIT = 4096;
  let w: World;
  let orderId: string;

  beforeAll(async () => {
    w = await createWorld({ maxMessageBytes: LIMIT });
    [orderId] = (await insertMessages(w.db, w.hosting.id, 1, {
      status: "held",
      raw: new Uint8Array(ORDER),
    })) as [string];
  });
  afterAll(async () => {
    await disposeWorld(w);
  });

  const readAudits = () =>
    w.db.prisma.auditEntry.findMany({
      where: { action: "message.read_body" },
      orderBy: { at: "asc" },
    });

  it("lets a customer read their own hosting's message, unaudited", async () => {
    const body = await w.services.messages.body(w.customer, "example.org", orderId);
    expect(body.text?.trim()).toBe("Thank you for your order nº 42.");
    expect(body.attachments.map((a) => a.filename)).toEqual(["invoice.pdf", null]);
    expect(await readAudits()).toEqual([]);
  });

  it("hides other customers' hostings and other hostings' messages", async () => {
    expect(await errorCode(w.services.messages.body(w.other, "example.org", orderId))).toBe(
      "not_found",
    );
    expect(await errorCode(w.services.messages.body(w.other, "other.net", orderId))).toBe(
      "not_found",
    );
    for (const id of [randomUUID(), "not-a-uuid"]) {
      expect(await errorCode(w.services.messages.body(w.customer, "example.org", id))).toBe(
        "not_found",
      );
    }
  });

  it("asks support for a reason, and records it before answering", async () => {
    for (const reason of [undefined, "", "   "]) {
      expect(
        await errorCode(w.services.messages.body(w.support, "example.org", orderId, reason)),
      ).toBe("reason_required");
    }
    expect(await readAudits()).toEqual([]);

    const body = await w.services.messages.body(
      w.support,
      "example.org",
      orderId,
      "  ticket 812: customer asks whether this is spam ",
    );
    expect(body.html).toContain("Thank you");
    const audits = await readAudits();
    expect(audits).toEqual([
      expect.objectContaining({
        actorId: w.support.userId,
        actorRole: "support",
        hostingId: w.hosting.id,
        reason: "ticket 812: customer asks whether this is spam",
        details: { messageId: orderId },
      }),
    ]);
  });

  it("says the content is no longer kept once it was removed or purged", async () => {
    const [sent] = await insertMessages(w.db, w.hosting.id, 1, { status: "sent", raw: null });
    const [purged] = await insertMessages(w.db, w.hosting.id, 1, {
      status: "purged",
      raw: new Uint8Array(ORDER),
    });
    for (const id of [sent, purged] as string[]) {
      const error = await w.services.messages.body(w.customer, "example.org", id).catch((e) => e);
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({
        code: "not_found",
        messageKey: "error.not_found.message_content_removed",
      });
    }
  });

  it("refuses to parse a message larger than the configured size, and records no read", async () => {
    const big = crlf(["Subject: big", "", "x".repeat(LIMIT), ""]);
    const [id] = (await insertMessages(w.db, w.hosting.id, 1, {
      status: "held",
      raw: new Uint8Array(big),
    })) as [string];
    const before = (await readAudits()).length;
    const error = await w.services.messages
      .body(w.support, "example.org", id, "ticket 813")
      .catch((e) => e);
    expect(error).toMatchObject({
      code: "validation_failed",
      messageKey: "error.validation_failed.message_too_large",
      params: { size: big.byteLength, limit: LIMIT },
    });
    expect(await readAudits()).toHaveLength(before);
  });
});
