import { describe, expect, it } from "vitest";
import { parseHeaders, readableHeaders } from "./message-headers.ts";

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

describe("readableHeaders", () => {
  it("decodes encoded words in every header, as a mail client shows them", () => {
    const raw = bytes(
      "From: =?UTF-8?B?Sm9zw6kgU2lsdmE=?= <jose@example.org>\r\n" +
        "Subject: =?UTF-8?Q?Encomenda_n=C2=BA_42_confirmada?=\r\n" +
        " =?UTF-8?B?IOKCrA==?=\r\n" +
        "X-Other: =?x-unknown?B?AAAA?= plain\r\n\r\nbody",
    );
    expect(readableHeaders(raw)).toEqual([
      { name: "From", value: "José Silva <jose@example.org>" },
      { name: "Subject", value: "Encomenda nº 42 confirmada €" },
      { name: "X-Other", value: "=?x-unknown?B?AAAA?= plain" },
    ]);
  });

  it("leaves parseHeaders' values as sent (ingest reads addresses from them)", () => {
    const raw = bytes("To: =?UTF-8?Q?Silva=2C_Jos=C3=A9?= <jose@example.org>\r\n\r\n");
    expect(parseHeaders(raw)).toEqual([
      { name: "To", value: "=?UTF-8?Q?Silva=2C_Jos=C3=A9?= <jose@example.org>" },
    ]);
    expect(readableHeaders(raw)[0]?.value).toBe("Silva, José <jose@example.org>");
  });
});
