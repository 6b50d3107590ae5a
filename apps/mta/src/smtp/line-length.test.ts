import { simpleParser } from "mailparser";
import { describe, expect, it } from "vitest";
import { longestLine } from "../mime/reencode-parts.ts";
import { fitLineLength } from "./line-length.ts";

const CRLF = "\r\n";

describe("fitLineLength", () => {
  it("passes a message without long lines through untouched (the same buffer)", async () => {
    const raw = Buffer.from(`Subject: x${CRLF}${CRLF}${"y".repeat(998)}${CRLF}`);
    const fit = await fitLineLength(raw);
    expect(fit).toEqual({ ok: true, raw });
    expect(fit.ok && fit.raw).toBe(raw);
  });

  it("re-encodes a PHP form's 2,000-octet HTML line as quoted-printable", async () => {
    const html = `<table>${"<tr><td>Nome</td><td>Jo\u00e3o</td></tr>".repeat(60)}</table>`;
    expect(Buffer.byteLength(html)).toBeGreaterThan(2000);
    const raw = Buffer.from(
      `From: form@site.example${CRLF}Subject: Contact${CRLF}MIME-Version: 1.0${CRLF}` +
        `Content-Type: text/html; charset=UTF-8${CRLF}${CRLF}${html}${CRLF}`,
    );
    const fit = await fitLineLength(raw);
    if (!fit.ok) throw new Error(fit.text);
    expect(longestLine(fit.raw)).toBeLessThanOrEqual(76);
    expect(fit.raw.toString()).toContain("Content-Transfer-Encoding: quoted-printable");
    expect((await simpleParser(fit.raw)).html).toBe(`${html}\n`);
  });

  it("refuses with a 5xx what cannot be re-encoded: a long line in a part's own header", async () => {
    const raw = Buffer.from(
      [
        'Content-Type: multipart/mixed; boundary="b"',
        "",
        "--b",
        `Content-Type: text/plain; name="${"n".repeat(1200)}"`,
        "",
        "text",
        "--b--",
        "",
      ].join(CRLF),
    );
    const fit = await fitLineLength(raw);
    expect(fit).toMatchObject({ ok: false, code: 554 });
    expect(!fit.ok && fit.text).toMatch(/^5\.6\.0 .*longer than 998/);
  });
});
