import { describe, expect, it } from "vitest";
import { replyText } from "./server-reply.ts";

describe("replyText", () => {
  it("drops the code the reply starts with: shown beside its code, it reads once", () => {
    expect(replyText(550, "550 5.1.1 <b@x.test>: Recipient address rejected")).toBe(
      "5.1.1 <b@x.test>: Recipient address rejected",
    );
    expect(`550 ${replyText(550, "550 5.1.1 User unknown")}`).toBe("550 5.1.1 User unknown");
  });

  it("reads a reply stored with its code doubled, and a bare code", () => {
    expect(replyText(550, "550 550 5.1.1 User unknown")).toBe("5.1.1 User unknown");
    expect(replyText(421, "421")).toBe("");
  });

  it("joins a multi-line reply, each line's code and repeated status dropped", () => {
    const gmail =
      "550-5.1.1 The email account that you tried to reach does not exist.\n" +
      "550-5.1.1 Please try double-checking the recipient's email address.\n" +
      "550 5.1.1 https://support.google.com/mail/?p=NoSuchUser";
    expect(replyText(550, gmail)).toBe(
      "5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address. https://support.google.com/mail/?p=NoSuchUser",
    );
  });

  it("drops the code after the give-up note of mail that ran out of time", () => {
    expect(replyText(451, "Gave up after 12 attempts: 451 4.3.0 Try again later")).toBe(
      "Gave up after 12 attempts: 4.3.0 Try again later",
    );
  });

  it("keeps texts without a code, other codes and our own messages", () => {
    expect(replyText(null, "ECONNECTION: connect ECONNREFUSED 127.0.0.1:25")).toBe(
      "ECONNECTION: connect ECONNREFUSED 127.0.0.1:25",
    );
    expect(replyText(250, "250 2.0.0 Ok: queued as 4F2A1")).toBe("2.0.0 Ok: queued as 4F2A1");
    expect(replyText(550, "5500 is not a code")).toBe("5500 is not a code");
    expect(replyText(554, "Message refused")).toBe("Message refused");
  });
});
