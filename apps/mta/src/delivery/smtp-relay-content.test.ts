import {
  job,
  ordinary,
  relayFor,
  startScripted,
  startServer,
} from "@scripts-email/harness/relay-servers";
import { simpleParser } from "mailparser";
import { describe, expect, it } from "vitest";
import { has8bit } from "../mime/reencode-parts.ts";
import { classifyRefusal, enhancedCode } from "./failure-kind.ts";

const CRLF = "\r\n";
const utf8Mail = Buffer.from(
  [
    "From: Jo\u00e3o <site@example.test>",
    "Subject: =?UTF-8?Q?Ol=C3=A1?=",
    "MIME-Version: 1.0",
    'Content-Type: multipart/alternative; boundary="alt"',
    "Content-Transfer-Encoding: 8bit",
    "",
    "--alt",
    "Content-Type: text/plain; charset=UTF-8",
    "Content-Transfer-Encoding: 8bit",
    "",
    "Ol\u00e1, \u00e7a va? \u2713",
    "--alt",
    "Content-Type: text/html; charset=UTF-8",
    "",
    "<p>Ol\u00e1</p>",
    "--alt--",
    "",
  ].join(CRLF),
);

describe("what the relay offered decides how the content goes", () => {
  it("converts 8-bit parts to quoted-printable for a relay without 8BITMIME (as Postfix)", async () => {
    const server = await startServer({ hide8BITMIME: true });
    const results = await relayFor(server.url).deliver(job(["a@dest.test"], utf8Mail));
    expect(results[0]!.outcome).toBe("delivered");
    const relayed = server.received[0]!.raw;
    // the display name in From stays (Postfix cannot convert headers either); the body is 7-bit
    const body = relayed.subarray(relayed.indexOf("\r\n\r\n"));
    expect(has8bit(body)).toBe(false);
    const text = relayed.toString();
    expect(text).toMatch(/boundary="alt"\r\nContent-Transfer-Encoding: 7bit\r\n/);
    expect(text).toContain("Content-Transfer-Encoding: quoted-printable\r\n");
    const [before, after] = [await simpleParser(utf8Mail), await simpleParser(relayed)];
    expect(after.text).toBe(before.text);
    expect(after.html).toBe(before.html);
  });

  it("sends the bytes as they are, with BODY=8BITMIME, to a relay that offers it", async () => {
    const server = await startScripted((line) => ordinary(line, ["PIPELINING", "8BITMIME"]));
    await relayFor(server.url).deliver(job(["a@dest.test"], utf8Mail));
    expect(server.chunks.join("")).toContain("BODY=8BITMIME");
    expect(Buffer.from(server.contents[0]!, "latin1").equals(utf8Mail)).toBe(true);
  });

  it("fails a UTF-8 recipient (kind message) when the relay lacks SMTPUTF8, and sends the others", async () => {
    const server = await startServer({ hideSMTPUTF8: true });
    const results = await relayFor(server.url).deliver(
      job(["jos\u00e9@d\u00e9st.test", "b@dest.test"]),
    );
    expect(results[0]).toMatchObject({ outcome: "failed", code: null, kind: "message" });
    expect(results[0]!.text).toMatch(/^5\.6\.7 SMTPUTF8 is required .*not offered by the relay/);
    expect(results[1]).toMatchObject({ outcome: "delivered" });
    expect(server.received.map((r) => r.to)).toEqual([["b@dest.test"]]);
  });

  it("fails every recipient when the sender or a header address needs SMTPUTF8", async () => {
    const server = await startServer({ hideSMTPUTF8: true });
    const relay = relayFor(server.url);
    const header = Buffer.from(
      `From: jo\u00e3o@exemplo.test${CRLF}To: b@dest.test${CRLF}${CRLF}hi${CRLF}`,
    );
    let results = await relay.deliver(job(["a@dest.test", "b@dest.test"], header));
    expect(results.map((r) => [r.outcome, r.kind])).toEqual([
      ["failed", "message"],
      ["failed", "message"],
    ]);
    expect(results[0]!.text).toMatch(/an address in the message's header/);
    results = await relay.deliver({ ...job(["a@dest.test"]), envelopeFrom: "s\u00edte@x.test" });
    expect(results[0]).toMatchObject({ outcome: "failed", kind: "message" });
    expect(server.received).toHaveLength(0);
  });
});

describe("failure kinds", () => {
  const reply = (text: string) => ({ code: Number(text.slice(0, 3)), text });

  it("reads enhanced status codes", () => {
    expect(enhancedCode(reply("550 5.1.1 No such user"))).toEqual([5, 1, 1]);
    expect(enhancedCode(reply("452-4.2.2 Mailbox full\n452 4.2.2 try later"))).toEqual([4, 2, 2]);
    expect(enhancedCode(reply("554 Transaction failed"))).toBeNull();
    expect(enhancedCode(reply("550 5.1.1.x"))).toBeNull();
  });

  it.each([
    ["rcpt", "550 5.1.1 No such user", "recipient", "failed"],
    ["rcpt", "552 5.2.2 Mailbox full", "recipient", "failed"],
    ["rcpt", "550 Recipient rejected", "recipient", "failed"],
    ["rcpt", "450 4.2.0 Greylisted", "recipient", "deferred"],
    ["rcpt", "554 5.7.1 <a@b>: Relay access denied", "relay", "deferred"],
    ["rcpt", "530 5.7.0 Authentication required", "relay", "deferred"],
    ["mail", "553 5.1.8 Sender domain does not exist", "message", "failed"],
    ["mail", "552 5.3.4 Message size exceeds fixed limit", "message", "failed"],
    ["mail", "530 5.7.0 Authentication required", "relay", "deferred"],
    ["mail", "550 5.7.1 Client host rejected", "relay", "deferred"],
    ["mail", "501 5.5.2 Syntax error", "relay", "deferred"],
    ["data", "554 5.5.1 No valid recipients", "relay", "deferred"],
    ["content", "554 5.6.0 Message has lines over 998 characters", "message", "failed"],
    ["content", "552 5.3.4 Message too big", "message", "failed"],
    ["content", "550 5.7.1 Message rejected as spam", "message", "failed"],
    ["content", "554 Transaction failed", "message", "failed"],
    ["content", "552 5.2.3 Message length exceeds administrative limit", "message", "failed"],
    ["content", "550 5.1.1 Mailbox unknown", "recipient", "failed"],
    ["content", "552 5.2.2 Over quota", "recipient", "failed"],
    ["content", "554 5.4.6 Routing loop", "relay", "deferred"],
    ["content", "451 4.3.0 Local error", "relay", "deferred"],
  ] as const)("%s %s: %s, %s", (stage, text, kind, outcome) => {
    expect(classifyRefusal(stage, reply(text))).toEqual({ kind, outcome });
  });

  it("records a kind on every result the relay refused", async () => {
    const server = await startScripted((line) => {
      if (line.startsWith("RCPT TO:<gone")) return "550 5.1.1 No such user";
      if (line === "<content>") return "554 5.6.0 Lines too long";
      return ordinary(line);
    });
    const results = await relayFor(server.url).deliver(job(["gone@dest.test", "ok@dest.test"]));
    expect(results.map((r) => [r.outcome, r.code, r.kind])).toEqual([
      ["failed", 550, "recipient"],
      ["failed", 554, "message"],
    ]);
  });
});
