import { SYSTEM } from "@scripts-email/domain";
import { RawSmtpClient, rawMessage } from "@scripts-email/harness/smtp-client";
import {
  createIngestFixture,
  type IngestFixture,
  type TestHosting,
} from "@scripts-email/harness/smtp-fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSendmail } from "../cli/sendmail-run.ts";

let fx: IngestFixture;
let site: TestHosting;
let port: number;

beforeAll(async () => {
  fx = await createIngestFixture();
  site = await fx.addHosting("example.org");
  await fx.addHosting("other.com");
  ({ port } = await fx.startServer({ name: "mx.hoster.test" }));
});

afterAll(async () => {
  await fx?.close();
});

async function session(): Promise<RawSmtpClient> {
  const client = await RawSmtpClient.connect(port);
  await client.login(site.serviceName, site.password);
  return client;
}

/** One transaction; the reply to the first command that is not accepted, or to the data. */
async function send(from: string, raw: string): Promise<{ code: number; text: string }> {
  const client = await session();
  try {
    for (const [command, expected] of [
      [`MAIL FROM:<${from}>`, 250],
      ["RCPT TO:<someone@dest.test>", 250],
      ["DATA", 354],
    ] as const) {
      const reply = await client.command(command);
      if (reply?.code !== expected) return { code: reply?.code ?? 0, text: reply?.lines[0] ?? "" };
    }
    client.write(`${raw}.\r\n`);
    const reply = await client.read();
    return { code: reply?.code ?? 0, text: reply?.lines[0] ?? "" };
  } finally {
    client.close();
  }
}

async function storedRaw(subject: string): Promise<{ id: string; raw: string; size: number }> {
  const rows = await fx.db.prisma.message.findMany({ where: { hostingId: site.id, subject } });
  expect(rows).toHaveLength(1);
  const row = rows[0]!;
  return { id: row.id, raw: Buffer.from(row.raw!).toString("utf8"), size: row.size };
}

describe("sender domains at SMTP", () => {
  it("refuses MAIL FROM of another domain with 553 5.7.1 and says what to do", async () => {
    const client = await session();
    try {
      const reply = await client.command("MAIL FROM:<ceo@other.com>");
      expect(reply).toEqual({
        code: 553,
        lines: [
          "5.7.1 Sender domain other.com is not allowed for hosting example.org; use an address @example.org or ask support to add the domain",
        ],
      });
      // look-alikes and address literals are other domains too
      expect((await client.command("MAIL FROM:<a@badexample.org>"))?.code).toBe(553);
      expect((await client.command("MAIL FROM:<a@example.org.evil.test>"))?.code).toBe(553);
      expect((await client.command("MAIL FROM:<a@[127.0.0.1]>"))?.code).toBe(553);
      // the session goes on: a right sender is still accepted
      expect((await client.command("MAIL FROM:<web@example.org>"))?.code).toBe(250);
    } finally {
      client.close();
    }
  });

  it("refuses the null sender: scripts do not send bounces", async () => {
    const client = await session();
    try {
      const reply = await client.command("MAIL FROM:<>");
      expect(reply?.code).toBe(553);
      expect(reply?.lines[0]).toMatch(/^5\.7\.1 The null sender <> is for bounces/);
    } finally {
      client.close();
    }
  });

  it("accepts its own domain and subdomains, in any case", async () => {
    for (const [from, subject] of [
      ["web@example.org", "own"],
      ["shop@Shop.Example.ORG", "sub"],
    ]) {
      const reply = await send(from!, rawMessage({ From: from!, Subject: subject! }));
      expect(reply.code, reply.text).toBe(250);
    }
  });

  it("refuses a From: header of another domain with 550 5.7.1, any of its addresses", async () => {
    for (const from of [
      "Bank <security@other.com>",
      "web@example.org, ceo@other.com",
      "list: web@example.org, ceo@other.com;",
    ]) {
      const reply = await send("web@example.org", rawMessage({ From: from, Subject: "spoof" }));
      expect(reply).toEqual({
        code: 550,
        text: "5.7.1 From: header domain other.com is not allowed for hosting example.org; use an address @example.org or ask support to add the domain",
      });
    }
    const none = await send("web@example.org", rawMessage({ From: "undisclosed:;", Subject: "x" }));
    expect(none.code).toBe(550);
    expect(none.text).toMatch(/^5\.7\.1 The From: header has no valid address/);
    const rows = await fx.db.prisma.message.count({
      where: { hostingId: site.id, subject: "spoof" },
    });
    expect(rows).toBe(0);
  });

  it("accepts a domain support added, and its subdomains, at the next login", async () => {
    expect((await send("news@brand.test", rawMessage({ Subject: "brand" }))).code).toBe(553);
    await fx.services.hostings.changeSenderDomains(SYSTEM, site.serviceName, {
      add: ["Brand.TEST"],
    });
    const reply = await send(
      "news@brand.test",
      rawMessage({ From: "News <news@mail.brand.test>", Subject: "brand" }),
    );
    expect(reply.code, reply.text).toBe(250);
    // another hosting's name stays another's
    expect((await send("x@other.com", rawMessage({ Subject: "o" }))).code).toBe(553);
  });

  it("prepends Received, appends the Date, Message-ID and From a message lacks, and counts them in its size", async () => {
    const reply = await send("web@shop.example.org", "Subject: bare\r\n\r\nHello.\r\n");
    expect(reply.code, reply.text).toBe(250);
    const { id, raw, size } = await storedRaw("bare");
    expect(size).toBe(Buffer.byteLength(raw));
    const [head, body] = raw.split("\r\n\r\n");
    expect(body).toBe("Hello.\r\n");
    const lines = head!.split(/\r\n(?![ \t])/);
    expect(lines[0]).toMatch(
      new RegExp(
        `^Received: from example\\.org \\(authenticated as example\\.org\\)\\r\\n\\tby mx\\.hoster\\.test \\(Scripts-email\\) with ESMTPA id ${id};\\r\\n\\t\\w{3}, \\d{1,2} \\w{3} \\d{4} \\d\\d:\\d\\d:\\d\\d \\+0000$`,
      ),
    );
    expect(lines[1]).toBe("Subject: bare");
    expect(lines[2]).toBe("From: web@shop.example.org");
    expect(lines[3]).toMatch(/^Date: \w{3}, \d{1,2} \w{3} \d{4} \d\d:\d\d:\d\d \+0000$/);
    expect(lines[4]).toMatch(/^Message-ID: <[0-9a-f-]{36}@example\.org>$/);
    expect(lines).toHaveLength(5);
    const row = await fx.db.prisma.message.findUniqueOrThrow({ where: { id } });
    expect(row.messageIdHeader).toBe(lines[4]!.slice("Message-ID: ".length));
  });

  it("keeps the client's own From, Date and Message-ID, in their place", async () => {
    const original = rawMessage({
      From: "web@example.org",
      Date: "Tue, 3 Feb 2026 04:05:06 +0000",
      "Message-ID": "<mine@example.org>",
      Subject: "complete",
    });
    expect((await send("web@example.org", original)).code).toBe(250);
    const { raw } = await storedRaw("complete");
    expect(raw.replace(/^Received: [^\r]*\r\n(\t[^\r]*\r\n)*/, "")).toBe(original);
  });

  it("keeps the trace on top when a long body line is re-encoded", async () => {
    const body = `${"x".repeat(2_000)}\r\n`;
    const reply = await send("web@example.org", rawMessage({ Subject: "long line" }, body));
    expect(reply.code, reply.text).toBe(250);
    const { id, raw, size } = await storedRaw("long line");
    expect(raw).toMatch(/^Received: from example\.org \(authenticated as example\.org\)\r\n/);
    expect(raw).toContain(` id ${id};`);
    expect(raw).toMatch(/\r\nMessage-ID: <[0-9a-f-]{36}@example\.org>\r\n/);
    expect(size).toBe(Buffer.byteLength(raw));
  });

  it("names the sendmail path in Received, and sendmail users see the refusal", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = (input: string, argv: string[]) => ({
      argv,
      env: {
        SCRIPTS_EMAIL_HOST: "127.0.0.1",
        SCRIPTS_EMAIL_PORT: String(port),
        SCRIPTS_EMAIL_USER: site.serviceName,
        SCRIPTS_EMAIL_PASSWORD: site.password,
      },
      stdin: (async function* () {
        yield Buffer.from(input);
      })(),
      stdout: (text: string) => {
        out.push(text);
      },
      stderr: (text: string) => {
        err.push(text);
      },
    });
    // no sender given: the default is an address of the hosting's own domain
    expect(await runSendmail(io("Subject: via cli\n\nx\n", ["a@dest.test"]))).toBe(0);
    const { raw } = await storedRaw("via cli");
    expect(raw).toMatch(
      /^Received: from example\.org \(authenticated as example\.org via sendmail\)\r\n/,
    );
    expect(raw).toMatch(/^From: [^@\r]+@example\.org\r$/m);

    const refused = await runSendmail(
      io("From: ceo@other.com\nSubject: spoof by cli\n\nx\n", ["-t", "a@dest.test"]),
    );
    expect(refused).toBe(69); // EX_UNAVAILABLE: permanent, the script is told
    expect(err.join("")).toContain(
      "Sender domain other.com is not allowed for hosting example.org; use an address @example.org or ask support to add the domain",
    );
  });
});
