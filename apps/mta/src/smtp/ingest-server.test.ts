import { openDatabase } from "@scripts-email/db";
import { ADMIN_URL } from "@scripts-email/db/testing";
import type { IncomingMessage } from "@scripts-email/domain";
import { RawSmtpClient, rawMessage } from "@scripts-email/harness/smtp-client";
import {
  createIngestFixture,
  type IngestFixture,
  type TestHosting,
} from "@scripts-email/harness/smtp-fixtures";
import { TEST_TLS } from "@scripts-email/harness/smtp-tls";
import { createTransport } from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let fx: IngestFixture;
let site: TestHosting;
let port: number;

beforeAll(async () => {
  fx = await createIngestFixture();
  site = await fx.addHosting("one.example");
  ({ port } = await fx.startServer());
});

afterAll(async () => {
  await fx?.close();
});

function transport(p: number, user: string, pass: string) {
  return createTransport({ host: "127.0.0.1", port: p, secure: false, auth: { user, pass } });
}

function messagesOf(hostingId: string) {
  return fx.db.prisma.message.findMany({ where: { hostingId }, orderBy: { acceptedAt: "asc" } });
}

function deferred() {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { gate, open };
}

const plain = (user: string, pass: string) =>
  `AUTH PLAIN ${Buffer.from(`\0${user}\0${pass}`).toString("base64")}`;

describe("SMTP ingest", () => {
  it("advertises PIPELINING, 8BITMIME, SIZE and AUTH PLAIN LOGIN, and no STARTTLS without a certificate", async () => {
    const client = await RawSmtpClient.connect(port);
    try {
      expect((await client.read())?.code).toBe(220);
      const ehlo = await client.command("EHLO client.test");
      expect(ehlo?.code).toBe(250);
      const features = ehlo!.lines.slice(1);
      expect(features).toEqual(
        expect.arrayContaining(["PIPELINING", "8BITMIME", "SIZE 10485760", "AUTH PLAIN LOGIN"]),
      );
      expect(features).not.toContain("STARTTLS");
    } finally {
      client.close();
    }
  });

  it("greets at once, without the library's 100 ms early-talker pause", async () => {
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const client = await RawSmtpClient.connect(port);
      await client.read();
      waits.push(performance.now() - started);
      client.close();
    }
    expect(Math.min(...waits)).toBeLessThan(80);
  });

  it("stores an authenticated submission with its subject, Message-ID, originating script and size", async () => {
    const raw = rawMessage(
      {
        From: "Site <web@one.example>",
        To: "someone@example.org",
        Subject: "=?UTF-8?B?T2zDoSBtdW5kbw==?=",
        "Message-ID": "<abc-123@one.example>",
        "X-PHP-Originating-Script": "1000:contact.php",
        "Content-Type": "text/plain; charset=utf-8",
        "Content-Transfer-Encoding": "8bit",
      },
      "Olá, 8-bit body.\r\n.leading dot line\r\n",
    );
    const info = await transport(port, site.serviceName, site.password).sendMail({
      envelope: { from: "bounce@one.example", to: ["someone@example.org", "other@example.org"] },
      raw,
    });
    const [row] = await messagesOf(site.id);
    expect(info.response).toBe(`250 Queued as ${row!.id}`);
    expect(row).toMatchObject({
      envelopeFrom: "bounce@one.example",
      recipients: ["someone@example.org", "other@example.org"],
      subject: "Olá mundo",
      messageIdHeader: "<abc-123@one.example>",
      originatingScript: "1000:contact.php",
      status: "queued",
      source: "smtp",
    });
    const stored = Buffer.from(row!.raw!).toString("utf8");
    expect(row!.size).toBe(Buffer.byteLength(stored));
    // the client's bytes as they came, after the trace line and before the Date it lacked
    const [, received, rest] = /^(Received: [^\r]*\r\n(?:\t[^\r]*\r\n)*)([\s\S]*)$/.exec(stored)!;
    expect(received).toContain(`with ESMTPA id ${row!.id};`);
    expect(rest!.replace(/Date: [^\r]*\r\n\r\n/, "\r\n")).toBe(raw);
  });

  it("answers 250 only after the message is committed", async () => {
    const hosting = await fx.addHosting("commit.example");
    const { gate, open } = deferred();
    let committed = false;
    const { port: p } = await fx.startServer(
      {},
      {
        async accept(message: IncomingMessage) {
          await gate;
          const result = await fx.accept(message);
          committed = true;
          return result;
        },
      },
    );
    const client = await RawSmtpClient.connect(p);
    try {
      await client.login(hosting.serviceName, hosting.password);
      expect((await client.command("MAIL FROM:<a@commit.example>"))?.code).toBe(250);
      expect((await client.command("RCPT TO:<b@example.org>"))?.code).toBe(250);
      expect((await client.command("DATA"))?.code).toBe(354);
      client.write(`${rawMessage({ Subject: "wait for it" })}.\r\n`);
      expect(await client.hasReplyWithin(300)).toBe(false);
      expect(await messagesOf(hosting.id)).toHaveLength(0);
      open();
      const reply = await client.read();
      expect(reply?.code).toBe(250);
      expect(committed).toBe(true);
      const rows = await messagesOf(hosting.id);
      expect(rows).toHaveLength(1);
      expect(reply?.lines[0]).toBe(`Queued as ${rows[0]!.id}`);
    } finally {
      client.close();
    }
  });

  it("refuses a wrong password with 535", async () => {
    await expect(
      transport(port, site.serviceName, "not-the-password").sendMail({
        envelope: { from: "a@one.example", to: ["b@example.org"] },
        raw: rawMessage({ Subject: "x" }),
      }),
    ).rejects.toMatchObject({ code: "EAUTH", responseCode: 535 });
  });

  it("refuses MAIL without AUTH with 530", async () => {
    const client = await RawSmtpClient.connect(port);
    try {
      await client.read();
      await client.command("EHLO client.test");
      const reply = await client.command("MAIL FROM:<a@one.example>");
      expect(reply?.code).toBe(530);
    } finally {
      client.close();
    }
  });

  it("answers 552 to a message over the size limit and stores nothing", async () => {
    const hosting = await fx.addHosting("big.example");
    const { port: p } = await fx.startServer({ maxSize: 4096 });
    const client = await RawSmtpClient.connect(p);
    try {
      const ehlo = await client.login(hosting.serviceName, hosting.password);
      expect(ehlo.lines).toContain("SIZE 4096");
      // no SIZE= parameter: the limit is found while the data streams in
      await client.command("MAIL FROM:<a@big.example>");
      await client.command("RCPT TO:<b@example.org>");
      expect((await client.command("DATA"))?.code).toBe(354);
      client.write(`${rawMessage({ Subject: "big" }, `${"x".repeat(76)}\r\n`.repeat(100))}.\r\n`);
      const reply = await client.read();
      expect(reply?.code).toBe(552);
      expect(reply?.lines[0]).toContain("4096");
      // the session goes on
      expect((await client.command("RSET"))?.code).toBe(250);
    } finally {
      client.close();
    }
    expect(await messagesOf(hosting.id)).toHaveLength(0);
    // a client that declares the size is refused at MAIL FROM
    await expect(
      transport(p, hosting.serviceName, hosting.password).sendMail({
        envelope: { from: "a@big.example", to: ["b@example.org"] },
        raw: rawMessage({ Subject: "big" }, "y".repeat(10_000)),
      }),
    ).rejects.toMatchObject({ responseCode: 552 });
    expect(await messagesOf(hosting.id)).toHaveLength(0);
  });

  it("holds the mail of a blocked hosting for 72 hours", async () => {
    const hosting = await fx.addHosting("blocked.example");
    await fx.db.prisma.hosting.update({ where: { id: hosting.id }, data: { state: "blocked" } });
    const info = await transport(port, hosting.serviceName, hosting.password).sendMail({
      envelope: { from: "a@blocked.example", to: ["b@example.org"] },
      raw: rawMessage({ Subject: "held one" }),
    });
    const [row] = await messagesOf(hosting.id);
    expect(info.response).toBe(`250 Held as ${row!.id}: sending is blocked for this hosting`);
    expect(row!.status).toBe("held");
    expect(row!.nextAttemptAt).toBeNull();
    expect(row!.expiresAt.getTime() - row!.acceptedAt.getTime()).toBe(72 * 3_600_000);
  });

  it("answers 452 with the limit once the daily limit is reached", async () => {
    const hosting = await fx.addHosting("limited.example", { maxPerDay: 2 });
    const t = transport(port, hosting.serviceName, hosting.password);
    const send = () =>
      t.sendMail({
        envelope: { from: "a@limited.example", to: ["b@example.org"] },
        raw: rawMessage({ Subject: "counted" }),
      });
    await send();
    await send();
    const error = await send().catch((e: { responseCode?: number; response?: string }) => e);
    expect(error).toMatchObject({ responseCode: 452 });
    expect((error as { response: string }).response).toMatch(/daily sending limit of 2 messages/i);
    expect(await messagesOf(hosting.id)).toHaveLength(2);
  });

  it("answers 451 when the database is unreachable and acknowledges nothing", async () => {
    const hosting = await fx.addHosting("dbdown.example");
    const dbName = fx.db.name;
    const errors: unknown[] = [];
    const { port: p } = await fx.startServer(
      {},
      { logger: { debug() {}, info() {}, warn() {}, error: (details) => errors.push(details) } },
    );
    const session = await RawSmtpClient.connect(p);
    try {
      await session.login(hosting.serviceName, hosting.password);
      // the database goes away: no new connections, the open ones are cut
      await asAdmin(
        `ALTER DATABASE "${dbName}" WITH ALLOW_CONNECTIONS false`,
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${dbName}'`,
      );
      await session.command("MAIL FROM:<a@dbdown.example>");
      await session.command("RCPT TO:<b@example.org>");
      expect((await session.command("DATA"))?.code).toBe(354);
      session.write(`${rawMessage({ Subject: "not lost" })}.\r\n`);
      const reply = await session.read();
      expect(reply?.code).toBe(451);
      expect(reply?.lines[0]).toBe("Temporary failure, try again later");
      expect(errors.length).toBeGreaterThan(0);
    } finally {
      session.close();
      await asAdmin(`ALTER DATABASE "${dbName}" WITH ALLOW_CONNECTIONS true`);
    }
    expect(await messagesOf(hosting.id)).toHaveLength(0);
  });

  it("accepts pipelined commands and several messages on one connection", async () => {
    const hosting = await fx.addHosting("pipe.example");
    const client = await RawSmtpClient.connect(port);
    try {
      await client.read();
      const body = (n: number) => rawMessage({ Subject: `piped ${n}` });
      client.write(
        [
          "EHLO client.test",
          plain(hosting.serviceName, hosting.password),
          "MAIL FROM:<a@pipe.example>",
          "RCPT TO:<b@example.org>",
          "RCPT TO:<c@example.org>",
          "DATA",
          "",
        ].join("\r\n"),
      );
      const codes: number[] = [];
      for (let i = 0; i < 6; i++) codes.push((await client.read())!.code);
      expect(codes).toEqual([250, 235, 250, 250, 250, 354]);
      client.write(
        `${body(1)}.\r\nMAIL FROM:<a@pipe.example>\r\nRCPT TO:<d@example.org>\r\nDATA\r\n`,
      );
      const more: number[] = [];
      for (let i = 0; i < 4; i++) more.push((await client.read())!.code);
      expect(more).toEqual([250, 250, 250, 354]);
      client.write(`${body(2)}.\r\nQUIT\r\n`);
      expect((await client.read())?.code).toBe(250);
      expect((await client.read())?.code).toBe(221);
    } finally {
      client.close();
    }
    const rows = await messagesOf(hosting.id);
    expect(rows.map((r) => r.subject).sort()).toEqual(["piped 1", "piped 2"]);
    expect(rows.find((r) => r.subject === "piped 1")!.recipients).toEqual([
      "b@example.org",
      "c@example.org",
    ]);
  });

  it("answers 452 beyond 100 recipients and keeps the accepted ones", async () => {
    const hosting = await fx.addHosting("many.example");
    const client = await RawSmtpClient.connect(port);
    try {
      await client.login(hosting.serviceName, hosting.password);
      const rcpts = Array.from({ length: 101 }, (_, i) => `RCPT TO:<r${i}@example.org>`);
      client.write(["MAIL FROM:<a@many.example>", ...rcpts, ""].join("\r\n"));
      const codes: number[] = [];
      for (let i = 0; i < 102; i++) codes.push((await client.read())!.code);
      expect(codes.slice(0, 101).every((c) => c === 250)).toBe(true);
      expect(codes[101]).toBe(452);
      expect((await client.command("DATA"))?.code).toBe(354);
      client.write(`${rawMessage({ Subject: "many" })}.\r\n`);
      expect((await client.read())?.code).toBe(250);
    } finally {
      client.close();
    }
    const [row] = await messagesOf(hosting.id);
    expect(row!.recipients).toHaveLength(100);
  });

  it("records mail marked by the sendmail command as such and strips the marker", async () => {
    const hosting = await fx.addHosting("via.example");
    const raw = rawMessage({ Subject: "via sendmail", "X-Scripts-Email-Via": "sendmail" });
    await transport(port, hosting.serviceName, hosting.password).sendMail({
      envelope: { from: "a@via.example", to: ["b@example.org"] },
      raw,
    });
    const [row] = await messagesOf(hosting.id);
    expect(row!.source).toBe("sendmail");
    const stored = Buffer.from(row!.raw!).toString("utf8");
    expect(stored).not.toMatch(/X-Scripts-Email-Via/i);
    expect(stored).toMatch(
      /^Received: from via\.example \(authenticated as via\.example via sendmail\)\r\n/,
    );
    expect(stored).toContain("\r\nSubject: via sendmail\r\n");
    expect(row!.size).toBe(Buffer.byteLength(stored));
  });

  it("throttles AUTH per account: one hosting's wrong passwords never stop another, nor its own right password", async () => {
    const victim = await fx.addHosting("victim.example");
    const bystander = await fx.addHosting("bystander.example");
    const { port: p } = await fx.startServer({
      authThrottle: { maxFailures: 3, windowMs: 60_000, baseDelayMs: 1, maxDelayMs: 5 },
    });
    // every script of the machine connects from loopback, the guesser included
    const guesser = await RawSmtpClient.connect(p);
    try {
      await guesser.read();
      await guesser.command("EHLO client.test");
      expect((await guesser.command(plain(victim.serviceName, "guess-1")))?.code).toBe(535);
      expect((await guesser.command(plain(victim.serviceName, "guess-2")))?.code).toBe(535);
      expect((await guesser.command(plain(victim.serviceName, "guess-3")))?.code).toBe(421);
      expect(await guesser.read()).toBeNull();
    } finally {
      guesser.close();
    }
    const again = await RawSmtpClient.connect(p);
    try {
      await again.read();
      await again.command("EHLO client.test");
      expect((await again.command(plain(victim.serviceName, "guess-4")))?.code).toBe(421);
    } finally {
      again.close();
    }
    // another hosting on the same address: its own count, starting at zero
    const other = await RawSmtpClient.connect(p);
    try {
      await other.read();
      await other.command("EHLO client.test");
      expect((await other.command(plain(bystander.serviceName, "typo")))?.code).toBe(535);
      expect((await other.command(plain(bystander.serviceName, bystander.password)))?.code).toBe(
        235,
      );
    } finally {
      other.close();
    }
    // and the attacked hosting's own script, with its right password, still gets in
    const owner = await RawSmtpClient.connect(p);
    try {
      await owner.read();
      await owner.command("EHLO client.test");
      expect((await owner.command(plain(victim.serviceName, victim.password)))?.code).toBe(235);
    } finally {
      owner.close();
    }
  });

  it("throttles 4 wrong + 1 right, repeated on one account: a success clears no failure", async () => {
    const hosting = await fx.addHosting("four-and-one.example");
    const { port: p } = await fx.startServer({
      authThrottle: { maxFailures: 5, windowMs: 60_000, baseDelayMs: 1, maxDelayMs: 5 },
    });
    const round = async () => {
      const client = await RawSmtpClient.connect(p);
      try {
        await client.read();
        await client.command("EHLO client.test");
        const codes: number[] = [];
        for (let i = 0; i < 4; i++) {
          const reply = await client.command(plain(hosting.serviceName, `wrong-${i}`));
          codes.push(reply?.code ?? 0);
          if (reply?.code !== 535) return codes;
        }
        codes.push((await client.command(plain(hosting.serviceName, hosting.password)))?.code ?? 0);
        return codes;
      } finally {
        client.close();
      }
    };
    expect(await round()).toEqual([535, 535, 535, 535, 235]);
    expect(await round()).toEqual([421]);
  });

  it("answers wrong passwords after a growing tarpit, never the right one, and bounds the waiting", async () => {
    const hosting = await fx.addHosting("tarpit.example");
    const { port: p } = await fx.startServer({
      authThrottle: {
        maxFailures: 10,
        windowMs: 60_000,
        freeFailures: 1,
        baseDelayMs: 1_000,
        maxDelayMs: 1_000,
        maxWaiting: 1,
      },
    });
    const connect = async () => {
      const client = await RawSmtpClient.connect(p);
      await client.read();
      await client.command("EHLO client.test");
      return client;
    };
    const [slow, crowded, owner] = await Promise.all([connect(), connect(), connect()]);
    try {
      expect((await slow.command(plain(hosting.serviceName, "free")))?.code).toBe(535);
      const started = performance.now();
      const delayed = slow.command(plain(hosting.serviceName, "delayed"));
      expect(await slow.hasReplyWithin(300)).toBe(false);
      // the tarpit holds one answer of this account at a time: the next wrong one is cut short
      expect((await crowded.command(plain(hosting.serviceName, "crowded")))?.code).toBe(421);
      // the right password is answered at once while the wrong one waits
      expect((await owner.command(plain(hosting.serviceName, hosting.password)))?.code).toBe(235);
      expect(performance.now() - started).toBeLessThan(900);
      expect((await delayed)?.code).toBe(535);
      expect(performance.now() - started).toBeGreaterThanOrEqual(990);
    } finally {
      for (const c of [slow, crowded, owner]) c.close();
    }
  });

  it("offers STARTTLS when a certificate is configured and accepts mail over it", async () => {
    const hosting = await fx.addHosting("tls.example");
    const { port: p } = await fx.startServer({ tls: TEST_TLS });
    const client = await RawSmtpClient.connect(p);
    try {
      await client.read();
      expect((await client.command("EHLO client.test"))?.lines).toContain("STARTTLS");
    } finally {
      client.close();
    }
    const t = createTransport({
      host: "127.0.0.1",
      port: p,
      secure: false,
      requireTLS: true,
      auth: { user: hosting.serviceName, pass: hosting.password },
      tls: { ca: TEST_TLS.cert, servername: "localhost" },
    });
    await t.sendMail({
      envelope: { from: "a@tls.example", to: ["b@example.org"] },
      raw: rawMessage({ Subject: "over tls" }),
    });
    expect((await messagesOf(hosting.id))[0]?.subject).toBe("over tls");
  });
});

/** Runs statements on the test server's admin database (the test's own one may be cut off). */
async function asAdmin(...statements: string[]): Promise<void> {
  const admin = await openDatabase({ databaseUrl: ADMIN_URL, dataDir: "", poolSize: 1 });
  try {
    for (const sql of statements) await admin.prisma.$executeRawUnsafe(sql);
  } finally {
    await admin.close();
  }
}
