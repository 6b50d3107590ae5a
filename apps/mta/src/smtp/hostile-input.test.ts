import { RawSmtpClient, rawMessage } from "@scripts-email/harness/smtp-client";
import {
  createIngestFixture,
  type IngestFixture,
  type TestHosting,
} from "@scripts-email/harness/smtp-fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// What a hostile or broken client may send: refused cleanly, never half stored, never a crash.
let fx: IngestFixture;
let site: TestHosting;
let port: number;
const MAX = 4096;

beforeAll(async () => {
  fx = await createIngestFixture();
  site = await fx.addHosting("hostile.example");
  ({ port } = await fx.startServer({ maxSize: MAX }));
});

afterAll(async () => {
  await fx?.close();
});

const stored = () =>
  fx.db.prisma.message.findMany({ where: { hostingId: site.id }, orderBy: { acceptedAt: "asc" } });

async function session(): Promise<RawSmtpClient> {
  const client = await RawSmtpClient.connect(port);
  await client.login(site.serviceName, site.password);
  return client;
}

/** Sends one message on a logged-in session; returns the reply to the end of DATA. */
async function send(client: RawSmtpClient, data: Buffer | string) {
  expect((await client.command("MAIL FROM:<a@hostile.example>"))?.code).toBe(250);
  expect((await client.command("RCPT TO:<b@dest.test>"))?.code).toBe(250);
  expect((await client.command("DATA"))?.code).toBe(354);
  client.write(data);
  client.write("\r\n.\r\n");
  return client.read();
}

describe("hostile SMTP input", () => {
  it("answers unknown commands and keeps the session", async () => {
    const client = await session();
    try {
      expect((await client.command("XYZZY plugh"))?.code).toBeGreaterThanOrEqual(500);
      expect((await client.command("MAIL"))?.code).toBeGreaterThanOrEqual(500);
      expect((await client.command("RCPT TO:<b@dest.test>"))?.code).toBe(503);
      expect((await client.command("NOOP"))?.code).toBe(250);
    } finally {
      client.close();
    }
  });

  it("refuses a command line far over the limit without falling over", async () => {
    const client = await session();
    try {
      client.write(`MAIL FROM:<${"a".repeat(20_000)}@hostile.example>\r\n`);
      const reply = await client.read();
      // 421 "Command line too long", then the connection is closed
      expect(reply === null || reply.code === 421 || reply.code >= 500).toBe(true);
      const long = await session();
      expect((await long.command(`MAIL FROM:<${"a".repeat(300)}@hostile.example>`))?.code).toBe(
        501,
      );
      long.close();
    } finally {
      client.close();
    }
    const again = await session();
    expect((await again.command("NOOP"))?.code).toBe(250);
    again.close();
  });

  it("takes a message of exactly the size limit and refuses one byte more", async () => {
    const client = await session();
    try {
      const head = rawMessage({ Subject: "exact" }, "");
      // the message as stored is what came between DATA and the final dot
      const exact = head + "x".repeat(MAX - head.length - 2);
      expect(Buffer.byteLength(`${exact}\r\n`)).toBe(MAX);
      expect((await send(client, exact))?.code).toBe(250);
      expect((await send(client, `${exact}y`))?.code).toBe(552);
    } finally {
      client.close();
    }
    const rows = await stored();
    expect(rows.filter((r) => r.subject === "exact")).toHaveLength(1);
  });

  it("refuses NUL bytes and over-long header lines whole, storing nothing", async () => {
    const before = (await stored()).length;
    const client = await session();
    try {
      const nul = await send(client, rawMessage({ Subject: "nul" }, "a\0b\r\n"));
      expect(nul?.code).toBe(554);
      const long = await send(client, rawMessage({ Subject: "long", "X-Junk": "z".repeat(1200) }));
      expect(long?.code).toBe(554);
      expect(long?.lines.join(" ")).toMatch(/998/);
      expect((await client.command("NOOP"))?.code).toBe(250);
    } finally {
      client.close();
    }
    expect(await stored()).toHaveLength(before);
  });

  it("stores bare LF line ends as CRLF, and a bare-LF dot does not end the data (no smuggling)", async () => {
    const client = await session();
    try {
      const smuggled =
        "Subject: smuggle\n\nfirst\n.\nMAIL FROM:<evil@attacker.test>\nRCPT TO:<victim@dest.test>\nDATA\nSubject: hidden\n\nevil\n";
      const reply = await send(client, smuggled);
      expect(reply?.code).toBe(250);
    } finally {
      client.close();
    }
    const rows = await stored();
    const row = rows.find((r) => r.subject === "smuggle");
    expect(row).toBeDefined();
    expect(rows.find((r) => r.subject === "hidden")).toBeUndefined();
    const raw = Buffer.from(row!.raw!).toString("latin1");
    expect(raw).not.toMatch(/[^\r]\n/);
    expect(row!.recipients).toEqual(["b@dest.test"]);
  });

  it("keeps 8-bit data sent without BODY=8BITMIME intact", async () => {
    const client = await session();
    try {
      const body = Buffer.concat([
        Buffer.from("Subject: eight\r\n\r\n"),
        Buffer.from("caf\xe9 na\xefve\r\n", "latin1"),
      ]);
      expect((await send(client, body))?.code).toBe(250);
    } finally {
      client.close();
    }
    const row = (await stored()).find((r) => r.subject === "eight");
    expect(Buffer.from(row!.raw!).includes(Buffer.from("caf\xe9", "latin1"))).toBe(true);
  });

  it("answers every command of a huge pipelined burst and stays usable", async () => {
    const client = await session();
    try {
      const rcpts = Array.from({ length: 300 }, (_, i) => `RCPT TO:<r${i}@dest.test>\r\n`).join("");
      client.write(`MAIL FROM:<a@hostile.example>\r\n${rcpts}RSET\r\n`);
      const codes: number[] = [];
      for (let i = 0; i < 302; i++) codes.push((await client.read())?.code ?? 0);
      expect(codes[0]).toBe(250);
      expect(codes.slice(1, 101).every((c) => c === 250)).toBe(true);
      expect(codes.slice(101, 301).every((c) => c === 452)).toBe(true);
      expect(codes[301]).toBe(250);
      expect((await client.command("NOOP"))?.code).toBe(250);
    } finally {
      client.close();
    }
  });

  it("refuses DATA without recipients, and a CR inside a command cannot smuggle another", async () => {
    const client = await session();
    try {
      expect((await client.command("MAIL FROM:<a@hostile.example>"))?.code).toBe(250);
      expect((await client.command("DATA"))?.code).toBe(503);
      expect((await client.command("RSET"))?.code).toBe(250);
      await client.command("MAIL FROM:<cr@hostile.example>\rRCPT TO:<smuggled@evil.test>");
      expect((await client.command("RCPT TO:<b@dest.test>"))?.code).toBe(250);
      expect((await client.command("DATA"))?.code).toBe(354);
      client.write(`${rawMessage({ Subject: "cr" })}.\r\n`);
      expect((await client.read())?.code).toBe(250);
    } finally {
      client.close();
    }
    const row = (await stored()).find((r) => r.subject === "cr");
    expect(row?.recipients).toEqual(["b@dest.test"]);
    expect(row?.envelopeFrom).toBe("cr@hostile.example");
  });

  it("never logs an SMTP password, right or wrong", async () => {
    const lines: string[] = [];
    const capture = (details: object, message: string) =>
      lines.push(`${message} ${JSON.stringify(details)}`);
    const { port: p } = await fx.startServer(
      {},
      { logger: { debug: capture, info: capture, warn: capture, error: capture } },
    );
    const client = await RawSmtpClient.connect(p);
    try {
      await client.read();
      await client.command("EHLO client.test");
      const wrong = `${site.password}-wrong`;
      expect(
        (
          await client.command(
            `AUTH PLAIN ${Buffer.from(`\0${site.serviceName}\0${wrong}`).toString("base64")}`,
          )
        )?.code,
      ).toBe(535);
      expect(
        (
          await client.command(
            `AUTH PLAIN ${Buffer.from(`\0${site.serviceName}\0${site.password}`).toString("base64")}`,
          )
        )?.code,
      ).toBe(235);
      expect((await send(client, rawMessage({ Subject: "logged" })))?.code).toBe(250);
    } finally {
      client.close();
    }
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join("\n")).not.toContain(site.password);
  });
});
