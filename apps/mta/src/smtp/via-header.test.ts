import { splitMessage } from "@scripts-email/domain/header-block";
import { describe, expect, it } from "vitest";
import { takeViaHeader } from "./via-header.ts";

describe("takeViaHeader", () => {
  it("removes the marker (folded or not, any case) and keeps every other byte", () => {
    const raw = Buffer.from(
      "Subject: a\r\nx-scripts-email-via:\r\n sendmail\r\nTo: b@example.org\r\n\r\nX-Scripts-Email-Via: body\r\n",
    );
    const out = takeViaHeader(raw);
    expect(out.via).toBe("sendmail");
    expect(out.raw.toString()).toBe(
      "Subject: a\r\nTo: b@example.org\r\n\r\nX-Scripts-Email-Via: body\r\n",
    );
  });

  it("leaves a message without the marker untouched", () => {
    const raw = Buffer.from("Subject: a\n\nbody\n");
    expect(takeViaHeader(raw)).toEqual({ raw, via: null });
  });

  it("drops a marker with another value without trusting it", () => {
    const out = takeViaHeader(Buffer.from("X-Scripts-Email-Via: panel\r\n\r\nx"));
    expect(out).toEqual({ raw: Buffer.from("\r\nx"), via: null });
  });
});

describe("splitMessage", () => {
  it("ends the header block at the empty line or at the first line that is no header", () => {
    expect(splitMessage(Buffer.from("A: 1\r\n\r\nB: 2")).fields.map((f) => f.name)).toEqual(["A"]);
    const noSeparator = splitMessage(Buffer.from("A: 1\nthis is body text\n"));
    expect(noSeparator.fields.map((f) => f.value)).toEqual(["1"]);
    expect(noSeparator.rest.toString()).toBe("this is body text\n");
  });
});
