import { RawSmtpClient, rawMessage } from "@scripts-email/harness/smtp-client";
import {
  createIngestFixture,
  type IngestFixture,
  type TestHosting,
} from "@scripts-email/harness/smtp-fixtures";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RefusalRecorder } from "./refusal-recorder.ts";

// Issue 14, over a real SMTP conversation on loopback: each message is stored under its script,
// a held script's mail is held while the site's other mail is queued, and every refusal of a
// known hosting is counted per script and reason.

let fx: IngestFixture;
let port: number;
const registry = new Registry();
/** Not started: it writes only when the test stops it. */
let recorder: RefusalRecorder;

beforeAll(async () => {
  fx = await createIngestFixture();
  recorder = new RefusalRecorder(fx.services.mail.refusals, registry);
  ({ port } = await fx.startServer({}, { refused: (r) => recorder.record(r) }));
});

afterAll(async () => {
  await fx?.close();
});

/** One transaction on a logged-in session: the replies to MAIL FROM, RCPT TO and the data. */
async function send(
  client: RawSmtpClient,
  from: string,
  message: string,
): Promise<Array<number | undefined>> {
  const mail = await client.command(`MAIL FROM:<${from}>`);
  if (mail?.code !== 250) return [mail?.code];
  const rcpt = await client.command("RCPT TO:<someone@example.org>");
  const data = await client.command("DATA");
  client.write(`${message}.\r\n`);
  const done = await client.read();
  return [mail.code, rcpt?.code, data?.code, done?.code];
}

async function session(site: TestHosting, run: (client: RawSmtpClient) => Promise<void>) {
  const client = await RawSmtpClient.connect(port);
  try {
    await client.login(site.serviceName, site.password);
    await run(client);
  } finally {
    client.close();
  }
}

const refusalsOf = (hostingId: string) =>
  fx.db.sql.query<{ script: string; reason: string; count: number }>(
    `SELECT script, reason, count FROM "Refusal" WHERE "hostingId" = $1::uuid
      ORDER BY script, reason`,
    [hostingId],
  );

describe("scripts at the SMTP ingest", () => {
  it("stores each message under its script and holds a held script's mail, the rest queued", async () => {
    const site = await fx.addHosting("held-script.example");
    await fx.db.prisma.hosting.update({
      where: { id: site.id },
      data: { heldScripts: ["wp-content/plugins/x/send.php"] },
    });
    const replies: string[] = [];
    await session(site, async (client) => {
      for (const [subject, script] of [
        ["spam", "1000:wp-content/plugins/x/send.php"],
        ["order", "1000:shop/order.php"],
      ] as const) {
        await client.command("MAIL FROM:<www@held-script.example>");
        await client.command("RCPT TO:<buyer@example.org>");
        await client.command("DATA");
        client.write(
          `${rawMessage({ From: "www@held-script.example", Subject: subject, "X-PHP-Originating-Script": script })}.\r\n`,
        );
        replies.push((await client.read())?.lines.join(" ") ?? "");
      }
    });
    const rows = await fx.db.prisma.message.findMany({
      where: { hostingId: site.id },
      orderBy: { subject: "asc" },
      select: { id: true, subject: true, script: true, status: true },
    });
    expect(rows.map((r) => [r.subject, r.script, r.status])).toEqual([
      ["order", "shop/order.php", "queued"],
      ["spam", "wp-content/plugins/x/send.php", "held"],
    ]);
    const spam = rows.find((r) => r.subject === "spam")!;
    const order = rows.find((r) => r.subject === "order")!;
    expect(replies).toEqual([
      `Held as ${spam.id}: the mail of this script is held for this hosting`,
      `Queued as ${order.id}`,
    ]);
  });

  it("counts refusals per script and reason: the daily limit, a foreign From, a foreign sender, a failed AUTH", async () => {
    const site = await fx.addHosting("refusals.example", { maxPerDay: 1 });
    await session(site, async (client) => {
      const contact = (subject: string, from = "www@refusals.example") =>
        rawMessage({ From: from, Subject: subject, "X-PHP-Originating-Script": "33:contact.php" });
      expect(await send(client, "www@refusals.example", contact("first"))).toEqual([
        250, 250, 354, 250,
      ]);
      // the day's one message is used: refused, counted under its script
      expect((await send(client, "www@refusals.example", contact("second"))).at(-1)).toBe(452);
      expect((await send(client, "www@refusals.example", contact("third"))).at(-1)).toBe(452);
      // a From: of another domain, sent by the sendmail command without a script header
      const foreign = rawMessage({
        From: "ceo@bank.example",
        Subject: "urgent",
        "X-Scripts-Email-Via": "sendmail",
      });
      expect((await send(client, "www@refusals.example", foreign)).at(-1)).toBe(550);
      // MAIL FROM of another domain: refused before the message, so the submission kind
      expect(await send(client, "www@bank.example", "")).toEqual([553]);
    });
    const stranger = await RawSmtpClient.connect(port);
    try {
      await stranger.read();
      await stranger.command("EHLO x.test");
      const token = Buffer.from(`\0${site.serviceName}\0wrong password`).toString("base64");
      expect((await stranger.command(`AUTH PLAIN ${token}`))?.code).toBe(535);
    } finally {
      stranger.close();
    }
    // nothing is written on the answer's path: only when the recorder writes
    expect(await refusalsOf(site.id)).toEqual([]);
    await recorder.stop();
    expect(await refusalsOf(site.id)).toEqual([
      { script: "contact.php", reason: "daily_limit", count: 2 },
      { script: "sendmail", reason: "from_header", count: 1 },
      { script: "smtp", reason: "auth", count: 1 },
      { script: "smtp", reason: "sender_domain", count: 1 },
    ]);
    const text = await registry.metrics();
    expect(text).toContain('scripts_email_refusals_total{reason="daily_limit"} 2');
    expect(text).toContain('scripts_email_refusals_total{reason="from_header"} 1');
    expect(text).toContain('scripts_email_refusals_total{reason="auth"} 1');
    expect(text).toContain('scripts_email_refusals_total{reason="size"} 0');
    expect(text).toContain("scripts_email_refusals_dropped_total 0");
  });

  it("counts a malformed message under its script and an oversized one under the submission kind", async () => {
    const site = await fx.addHosting("malformed.example");
    const own = new RefusalRecorder(fx.services.mail.refusals, new Registry());
    const small = await fx.startServer({ maxSize: 4096 }, { refused: (r) => own.record(r) });
    const client = await RawSmtpClient.connect(small.port);
    try {
      await client.login(site.serviceName, site.password);
      const nul = `${rawMessage({ From: "www@malformed.example", "X-PHP-Originating-Script": "1:form.php" }, "a\0b\r\n")}`;
      expect((await send(client, "www@malformed.example", nul)).at(-1)).toBe(554);
      const big = rawMessage(
        { From: "www@malformed.example" },
        `${"x".repeat(70)}\r\n`.repeat(100),
      );
      expect((await send(client, "www@malformed.example", big)).at(-1)).toBe(552);
    } finally {
      client.close();
    }
    await own.stop();
    expect(await refusalsOf(site.id)).toEqual([
      { script: "form.php", reason: "message", count: 1 },
      { script: "smtp", reason: "size", count: 1 },
    ]);
  });
});
