import { describe, expect, it } from "vitest";
import { addressesOf, decodeWords, summarizeHeaders } from "./raw-message.ts";

describe("raw message headers", () => {
  it("reads what ingest stores: subject, Message-ID, originating script, addresses", () => {
    const raw = Buffer.from(
      [
        'From: "Site" <site@example.org>',
        'To: a@x.test, "Doe, J" <j@x.test>',
        "Cc: c@x.test",
        "Bcc: hidden@x.test",
        "Subject: =?UTF-8?B?Q29tbWFuZGUgbsKwIDQy?=",
        "  =?ISO-8859-1?Q?_re=E7ue?=",
        "Message-ID: <42@example.org>",
        "X-PHP-Originating-Script: 1000:contact.php",
        "",
        "Subject: not a header, the body",
      ].join("\r\n"),
    );
    expect(summarizeHeaders(raw)).toEqual({
      subject: "Commande n° 42 reçue",
      messageId: "<42@example.org>",
      originatingScript: "1000:contact.php",
      to: ["a@x.test", "j@x.test"],
      cc: ["c@x.test"],
      bcc: ["hidden@x.test"],
      from: '"Site" <site@example.org>',
    });
  });

  it("leaves unknown charsets and plain text alone", () => {
    expect(decodeWords("=?x-unknown?B?AAAA?= plain")).toBe("=?x-unknown?B?AAAA?= plain");
    expect(decodeWords("Hello")).toBe("Hello");
  });

  it("finds addresses in lists with comments and quoted commas", () => {
    expect(addressesOf('a@x.test (me), "B, b" <b@x.test>, junk')).toEqual(["a@x.test", "b@x.test"]);
  });

  it("copes with a message without headers or subject", () => {
    expect(summarizeHeaders(Buffer.from("\r\nbody"))).toMatchObject({
      subject: "",
      messageId: null,
    });
  });
});
