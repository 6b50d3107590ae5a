import { describe, expect, it } from "vitest";
import { storableText } from "../shared/storable-text.ts";
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

  it("reads a character split across two encoded words as that character", () => {
    expect(decodeWords("=?UTF-8?B?w6k=?=")).toBe("é");
    expect(decodeWords("=?UTF-8?Q?=C3?= =?UTF-8?Q?=A9?=")).toBe("é");
    expect(decodeWords("=?UTF-8?B?4oI=?=\r\n =?UTF-8?B?rA==?= 5")).toBe("€ 5");
    const subject = (value: string) =>
      summarizeHeaders(Buffer.from(`Subject: ${value}\r\n\r\n`, "latin1")).subject;
    expect(subject("Caf=?UTF-8?Q?=C3?=\r\n =?UTF-8?Q?=A9?= =?x-unknown?Q?=C3?=")).toBe(
      "Café =?x-unknown?Q?=C3?=",
    );
  });

  it("finds addresses in lists with comments and quoted commas", () => {
    expect(addressesOf('a@x.test (me), "B, b" <b@x.test>, junk')).toEqual(["a@x.test", "b@x.test"]);
    expect(addressesOf("Team: a@x.test, <b@x.test>;, undisclosed-recipients:;")).toEqual([
      "a@x.test",
      "b@x.test",
    ]);
  });

  it("copes with a message without headers or subject", () => {
    expect(summarizeHeaders(Buffer.from("\r\nbody"))).toMatchObject({
      subject: "",
      messageId: null,
    });
  });
});

describe("storable header text", () => {
  it("replaces what decodes to NUL or to no character, in every form, with U+FFFD", () => {
    const subject = (value: string) =>
      summarizeHeaders(Buffer.from(`Subject: ${value}\r\n\r\n`, "latin1")).subject;
    expect(subject("=?UTF-8?B?AA==?=")).toBe("\uFFFD");
    expect(subject("=?UTF-8?Q?x=00y?=")).toBe("x\uFFFDy");
    expect(subject("=?UTF-16?B?AAA=?=")).toBe("\uFFFD");
    expect(subject("=?UTF-16BE?B?2AA=?=")).toBe("\uFFFD"); // a lone surrogate
    expect(subject("\xff\xfe")).toBe("\uFFFD\uFFFD"); // not UTF-8
    const long = Buffer.from(`a${"😀".repeat(600)}`).toString("base64");
    // cut at 998 UTF-16 units, inside a pair
    expect(subject(`=?UTF-8?B?${long}?=`)).toBe(`a${"😀".repeat(498)}\uFFFD`);
    const headers = summarizeHeaders(
      Buffer.from("Message-ID: <a\0b>\r\nX-PHP-Originating-Script: 1:\0.php\r\n\r\n"),
    );
    expect(headers).toMatchObject({ messageId: "<a\uFFFDb>", originatingScript: "1:\uFFFD.php" });
  });

  it("keeps text that was storable as it is", () => {
    expect(storableText("Olá 😀 \t tab")).toBe("Olá 😀 \t tab");
    expect(storableText("\uD83D\uDE00\uDE00\uD83D")).toBe("😀\uFFFD\uFFFD");
  });
});
