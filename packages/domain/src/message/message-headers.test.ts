import { describe, expect, it } from "vitest";
import { parseHeaders } from "./message-headers.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("parseHeaders", () => {
  it("reads fields, unfolds continuation lines and stops at the body", () => {
    const raw = bytes(
      "From: a@example.org\r\nSubject: a long\r\n  folded\tsubject\r\nTo: b@example.org\r\n\r\nX-Not: a header\r\n",
    );
    expect(parseHeaders(raw)).toEqual([
      { name: "From", value: "a@example.org" },
      { name: "Subject", value: "a long folded\tsubject" },
      { name: "To", value: "b@example.org" },
    ]);
  });

  it("accepts bare LF line ends and skips lines that are not fields", () => {
    expect(parseHeaders(bytes("garbage line\nX-A: 1\n\nbody"))).toEqual([
      { name: "X-A", value: "1" },
    ]);
  });

  it("keeps colons inside values", () => {
    expect(parseHeaders(bytes("Date: Mon, 1 Jan 2026 10:00:00 +0000\n\n"))).toEqual([
      { name: "Date", value: "Mon, 1 Jan 2026 10:00:00 +0000" },
    ]);
  });

  it("caps the number of headers", () => {
    const raw = bytes(`${Array.from({ length: 500 }, (_, i) => `X-${i}: v`).join("\r\n")}\r\n\r\n`);
    const headers = parseHeaders(raw);
    expect(headers).toHaveLength(200);
    expect(headers.at(-1)).toEqual({ name: "X-199", value: "v" });
  });

  it("handles a message without a body", () => {
    expect(parseHeaders(bytes("Subject: x"))).toEqual([{ name: "Subject", value: "x" }]);
  });
});
