import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseSendmailArgs } from "./sendmail-args.ts";
import { loadConfig, parseConfigFile } from "./sendmail-config.ts";
import { prepareMessage, rfc5322Date } from "./sendmail-message.ts";
import { classify } from "./sendmail-run.ts";

describe("parseSendmailArgs", () => {
  it("reads attached and separate values, ignores -o options and keeps recipients", () => {
    expect(
      parseSendmailArgs([
        "-t",
        "-i",
        "-oi",
        "-odi",
        "-oem",
        "-fme@x.example",
        "-F",
        "Me",
        "a@b.example",
      ]),
    ).toMatchObject({
      extractRecipients: true,
      sender: "me@x.example",
      fullName: "Me",
      recipients: ["a@b.example"],
    });
    expect(parseSendmailArgs(["-f", "<>", "-Cfile", "--", "-x@y.example"])).toMatchObject({
      sender: "",
      configFile: "file",
      recipients: ["-x@y.example"],
    });
  });

  it("refuses unknown options and missing values with EX_USAGE", () => {
    expect(() => parseSendmailArgs(["-Q"])).toThrow(expect.objectContaining({ code: 64 }));
    expect(() => parseSendmailArgs(["-f"])).toThrow(expect.objectContaining({ code: 64 }));
    expect(() => parseSendmailArgs(["-bs"])).toThrow(expect.objectContaining({ code: 64 }));
  });
});

describe("parseConfigFile", () => {
  it("reads key = value lines and refuses unknown keys", () => {
    expect(parseConfigFile("# c\n\nhost=h\nport = 25\nuser = u\npassword = 'p w'\n", "f")).toEqual({
      host: "h",
      port: "25",
      user: "u",
      password: "p w",
    });
    expect(() => parseConfigFile("pass = x", "f")).toThrow(/f:1/);
  });
});

describe("loadConfig", () => {
  it("takes the server and the credentials from one place; the default server goes with any", () => {
    const env = { SCRIPTS_EMAIL_USER: "u", SCRIPTS_EMAIL_PASSWORD: "p" };
    expect(loadConfig(env, null)).toEqual({
      host: "127.0.0.1",
      port: 2525,
      user: "u",
      password: "p",
    });
    expect(loadConfig({ ...env, SCRIPTS_EMAIL_HOST: "h", SCRIPTS_EMAIL_PORT: "25" }, null)).toEqual(
      {
        host: "h",
        port: 25,
        user: "u",
        password: "p",
      },
    );
    // the user from one place and the password from another is a mix too
    const dir = mkdtempSync(path.join(tmpdir(), "se-conf-"));
    const file = path.join(dir, "c.conf");
    writeFileSync(file, "password = p\n");
    expect(() => loadConfig({ SCRIPTS_EMAIL_USER: "u" }, file)).toThrow(
      expect.objectContaining({ code: 78, message: expect.stringMatching(/same place/) }),
    );
    rmSync(dir, { recursive: true });
  });
});

describe("prepareMessage", () => {
  const base = {
    extractRecipients: false,
    sender: null,
    fullName: null,
    recipients: [] as string[],
    localUser: "www-data",
    hostname: "host.example",
    now: new Date("2026-02-03T04:05:06Z"),
  };

  it("adds From, Date, Message-ID and the marker to a bare message", () => {
    const out = prepareMessage(Buffer.from("just a body\n"), {
      ...base,
      recipients: ["a@b.example"],
      fullName: "Web Site",
    });
    expect(out.envelopeFrom).toBe("www-data@host.example");
    const text = out.raw.toString();
    expect(text).toMatch(
      /^From: "Web Site" <www-data@host\.example>\r\nDate: Tue, 3 Feb 2026 04:05:06 \+0000\r\nMessage-ID: <[0-9a-f-]+@host\.example>\r\nX-Scripts-Email-Via: sendmail\r\n\r\njust a body\r\n$/,
    );
  });

  it("keeps existing headers and refuses bad data with EX_DATAERR", () => {
    const out = prepareMessage(
      Buffer.from("From: a@b.example\nDate: x\nMessage-ID: <m@b>\nBcc: c@d.example\n\nbody"),
      { ...base, extractRecipients: true },
    );
    expect(out.recipients).toEqual(["c@d.example"]);
    expect(out.raw.toString()).toBe(
      "From: a@b.example\r\nDate: x\r\nMessage-ID: <m@b>\r\nX-Scripts-Email-Via: sendmail\r\n\r\nbody",
    );
    expect(() => prepareMessage(Buffer.alloc(0), base)).toThrow(
      expect.objectContaining({ code: 65 }),
    );
    expect(() => prepareMessage(Buffer.from("x"), { ...base, recipients: ["nobody"] })).toThrow(
      expect.objectContaining({ code: 65 }),
    );
  });

  it("formats dates as RFC 5322", () => {
    expect(rfc5322Date(new Date("2026-12-31T23:59:09Z"))).toBe("Thu, 31 Dec 2026 23:59:09 +0000");
  });
});

describe("classify", () => {
  it("maps SMTP failures to sysexits", () => {
    expect(classify({ code: "ESOCKET", message: "connect ECONNREFUSED" }).code).toBe(75);
    expect(classify({ code: "EAUTH", responseCode: 535, response: "535 no" }).code).toBe(77);
    expect(classify({ code: "EAUTH", responseCode: 454, response: "454 later" }).code).toBe(75);
    expect(classify({ code: "EMESSAGE", responseCode: 451, response: "451 later" }).code).toBe(75);
    expect(classify({ code: "EMESSAGE", responseCode: 452, response: "452 limit" }).code).toBe(75);
    expect(classify({ code: "EMESSAGE", responseCode: 552, response: "552 big" }).code).toBe(65);
    expect(classify({ code: "EENVELOPE", responseCode: 550, response: "550 no" }).code).toBe(69);
  });
});
