import { describe, expect, it } from "vitest";
import { parseMail } from "../report/report-testing.ts";
import { buildSystemMail, escapeHtml } from "./system-mail.ts";

const base = {
  from: "reports@hoster.example",
  fromName: "Scripts-email",
  to: "owner@example.org",
  subject: "Hello",
  text: "Line one\nLine two",
  date: new Date("2026-03-10T02:00:00Z"),
};

describe("system mail", () => {
  it("keeps anything in the subject inside the Subject header", async () => {
    const raw = await buildSystemMail({
      ...base,
      subject: "Errors\r\nBcc: victim@example.com ✓ ".repeat(4),
    });
    const head = raw.toString("utf8").split("\r\n\r\n")[0]!;
    expect(head).not.toMatch(/^Bcc:/im);
    expect(head.split("\r\n").every((line) => line.length <= 78)).toBe(true);
    // a subject is one line: nodemailer turns its line breaks into spaces
    expect(parseMail(raw).subject).toBe("Errors Bcc: victim@example.com ✓ ".repeat(4));
  });

  it("refuses addresses that could carry another header", () => {
    expect(() => buildSystemMail({ ...base, to: "a@b.example\r\nBcc: c@d.example" })).toThrow();
    expect(() => buildSystemMail({ ...base, to: "Name <a@b.example>" })).toThrow();
    expect(() => buildSystemMail({ ...base, from: "x" })).toThrow();
  });

  it("sends text alone, or text and HTML as alternatives", async () => {
    const plain = parseMail(await buildSystemMail(base));
    expect(plain.contentType).toBe("text/plain; charset=utf-8");
    expect(plain.parts.get("text/plain")).toBe("Line one\r\nLine two");
    const both = parseMail(await buildSystemMail({ ...base, html: "<p>Hi</p>" }));
    expect([...both.parts.keys()]).toEqual(["text/plain", "text/html"]);
    expect(both.parts.get("text/html")).toBe("<p>Hi</p>");
    expect(both.headers.get("auto-submitted")).toBe("auto-generated");
  });

  it("escapes HTML", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe(
      "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
    );
  });
});
