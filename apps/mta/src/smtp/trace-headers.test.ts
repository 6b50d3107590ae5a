import { describe, expect, it } from "vitest";
import { prepareSubmission } from "./trace-headers.ts";

const hosting = { serviceName: "example.org", senderDomains: [] };
const context = {
  serverName: "mx.test",
  secure: true,
  envelopeFrom: "web@example.org",
  now: new Date("2026-02-03T04:05:06Z"),
};

function prepare(raw: string) {
  const result = prepareSubmission(Buffer.from(raw, "latin1"), hosting, context);
  if (!result.ok) throw new Error(result.text);
  return { ...result, text: result.raw.toString("latin1") };
}

describe("prepareSubmission", () => {
  it("writes an RFC 5321 Received line with the queue id, ESMTPSA under TLS", () => {
    const { id, text } = prepare(
      "From: web@example.org\r\nDate: x\r\nMessage-ID: <a@b>\r\n\r\nhi\r\n",
    );
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
    expect(text).toBe(
      `Received: from example.org (authenticated as example.org)\r\n\tby mx.test (Scripts-email) with ESMTPSA id ${id};\r\n\tTue, 3 Feb 2026 04:05:06 +0000\r\n` +
        "From: web@example.org\r\nDate: x\r\nMessage-ID: <a@b>\r\n\r\nhi\r\n",
    );
  });

  it("separates a body that followed the headers without the empty line", () => {
    const { text } = prepare("Subject: s\r\nno colon here, a body line\r\n");
    expect(text).toMatch(/Message-ID: <[^>]+@example\.org>\r\n\r\nno colon here, a body line\r\n$/);
  });

  it("keeps a message of headers only as it is, plus what it lacks", () => {
    const { text } = prepare("Subject: s\r\n");
    expect(text).toMatch(
      /\r\nSubject: s\r\nFrom: web@example\.org\r\nDate: [^\r]+\r\nMessage-ID: <[^>]+>\r\n$/,
    );
  });

  it("refuses a header block too large to be read whole, whose From could hide past the scan", () => {
    const filler = `X-Filler: ${"a".repeat(900)}\r\n`.repeat(300);
    const raw = Buffer.from(`${filler}From: ceo@other.com\r\n\r\nx\r\n`);
    expect(prepareSubmission(raw, hosting, context)).toMatchObject({ ok: false, code: 552 });
  });

  it("refuses a From of another domain before adding anything", () => {
    const raw = Buffer.from("From: ceo@other.com\r\n\r\nx\r\n");
    expect(prepareSubmission(raw, hosting, context)).toMatchObject({ ok: false, code: 550 });
  });
});
