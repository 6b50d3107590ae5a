import type { AddressInfo } from "node:net";
import type { ExportService } from "@scripts-email/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  call,
  createTestApp,
  errorCodeOf,
  insertDeliveryEvent,
  insertMessage,
  seedWorld,
  type TestApp,
  type World,
} from "../testing/fixtures.ts";

let t: TestApp;
let w: World;
let base: string;
let tricky: string;

/** RFC 4180 back into records: quoted fields, doubled quotes, CRLF between records. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"' && field === "") {
      // a quoted field: up to the quote that is not doubled
      let j = i + 1;
      while (!(text[j] === '"' && text[j + 1] !== '"')) j += text[j] === '"' ? 2 : 1;
      field = text.slice(i + 1, j).replaceAll('""', '"');
      i = j + 1;
    } else if (c === ",") {
      record.push(field);
      field = "";
      i++;
    } else if (c === "\r" && text[i + 1] === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      i += 2;
    } else {
      field += c;
      i++;
    }
  }
  expect(field, "the last record ends with CRLF").toBe("");
  return records;
}

beforeAll(async () => {
  t = await createTestApp();
  w = await seedWorld(t);
  base = `/api/hostings/${w.hosting.serviceName}/email`;
  const minute = (n: number) => new Date(t.clock.now().getTime() - n * 60_000);
  tricky = await insertMessage(t, w.hosting.id, {
    status: "failed",
    acceptedAt: minute(1),
    subject: '=HYPERLINK("http://evil.example","click"), then\r\na "quote"',
    recipients: ["alice@example.net", "bob@example.net"],
  });
  await insertMessage(t, w.hosting.id, {
    status: "sent",
    acceptedAt: minute(2),
    subject: "-1 day",
  });
  await insertMessage(t, w.hosting.id, { status: "held", acceptedAt: minute(3), subject: "held" });
  await insertMessage(t, w.otherHosting.id, { status: "failed", subject: "not yours" });
  await insertDeliveryEvent(t, w.hosting.id, tricky, {
    outcome: "deferred",
    at: minute(1),
    recipient: "alice@example.net",
    smtpCode: 451,
    // as the relay sent it: the CSV's reply column drops the code, which has its own
    text: "451 4.7.1 try again, later",
  });
  await insertDeliveryEvent(t, w.hosting.id, tricky, {
    outcome: "failed",
    at: new Date(minute(1).getTime() + 1000),
    recipient: "bob@example.net",
    smtpCode: 550,
    text: "@bad 5.1.1 User unknown",
  });
  await insertDeliveryEvent(t, w.hosting.id, tricky, { outcome: "delivered", smtpCode: 250 });
});
afterAll(() => t?.close());

describe("GET /api/hostings/:serviceName/email/messages.csv", () => {
  it("sends every matching message as an RFC 4180 attachment, formulas defused", async () => {
    const res = await call(t.app, w.owner, "GET", `${base}/messages.csv`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(res.headers["content-disposition"]).toMatch(
      /^attachment; filename="w-owner\.example\.org-messages-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const [header, ...rows] = parseCsv(res.body);
    expect(header).toEqual([
      "accepted_at",
      "id",
      "status",
      "from",
      "to",
      "subject",
      "script",
      "size",
      "attempts",
      "sent_at",
      "message_id",
    ]);
    expect(rows.map((r) => r[5])).toEqual([
      `'=HYPERLINK("http://evil.example","click"), then\r\na "quote"`,
      "'-1 day",
      "held",
    ]);
    expect(rows[0]).toEqual([
      expect.stringMatching(/^\d{4}-.*Z$/),
      tricky,
      "failed",
      "site@example.org",
      "alice@example.net bob@example.net",
      expect.any(String),
      "",
      expect.stringMatching(/^\d+$/),
      "0",
      "",
      "<m1@example.org>",
    ]);
  });

  it("takes the list's filters", async () => {
    const byOutcome = await call(t.app, w.owner, "GET", `${base}/messages.csv?outcome=held`);
    expect(
      parseCsv(byOutcome.body)
        .slice(1)
        .map((r) => r[5]),
    ).toEqual(["held"]);
    const byRecipient = await call(
      t.app,
      w.owner,
      "GET",
      `${base}/messages.csv?q=${encodeURIComponent("BOB@example.net")}`,
    );
    expect(
      parseCsv(byRecipient.body)
        .slice(1)
        .map((r) => r[1]),
    ).toEqual([tricky]);
    const refused = await call(t.app, w.owner, "GET", `${base}/messages.csv?outcome=refused`);
    expect(parseCsv(refused.body)).toHaveLength(1);
  });

  it("is another customer's 404, and support's export is audited with its reason", async () => {
    const other = await call(t.app, w.other, "GET", `${base}/messages.csv`);
    expect(other.statusCode).toBe(404);
    expect(errorCodeOf(other)).toBe("not_found");
    const before = await t.db.prisma.auditEntry.count({ where: { action: "email.export" } });
    // the customer's own export is not support's read: not audited
    await call(t.app, w.owner, "GET", `${base}/errors.csv`);
    expect(await t.db.prisma.auditEntry.count({ where: { action: "email.export" } })).toBe(before);
    const res = await call(
      t.app,
      w.support,
      "GET",
      `${base}/messages.csv?status=held&reason=${encodeURIComponent("ticket 42")}`,
    );
    expect(res.statusCode).toBe(200);
    const entry = await t.db.prisma.auditEntry.findFirst({
      where: { action: "email.export" },
      orderBy: { at: "desc" },
    });
    expect(entry).toMatchObject({
      hostingId: w.hosting.id,
      reason: "ticket 42",
      details: { what: "messages", filters: { status: "held" } },
    });
  });
});

describe("GET /api/hostings/:serviceName/email/errors.csv", () => {
  it("sends the failed and deferred attempts, newest first, with the relay's reply", async () => {
    const res = await call(t.app, w.owner, "GET", `${base}/errors.csv`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers["content-disposition"]).toMatch(/-errors-\d{4}-\d{2}-\d{2}\.csv"$/);
    const [header, ...rows] = parseCsv(res.body);
    expect(header).toEqual(["at", "outcome", "recipient", "code", "reply", "message", "subject"]);
    expect(rows.map((r) => r.slice(1, 6))).toEqual([
      ["failed", "bob@example.net", "550", "'@bad 5.1.1 User unknown", tricky],
      ["deferred", "alice@example.net", "451", "4.7.1 try again, later", tricky],
    ]);
    expect((await call(t.app, w.other, "GET", `${base}/errors.csv`)).statusCode).toBe(404);
  });
});

describe("a large export", () => {
  it("streams: the first rows arrive before the rest is read from the database", async () => {
    await t.db.sql.query(
      `INSERT INTO "Message" (id, "hostingId", "envelopeFrom", recipients, subject, size, status,
                             "expiresAt", "acceptedAt", source)
       SELECT gen_random_uuid(), $1::uuid, 'www@example.org', ARRAY['r@example.com'],
              'bulk ' || i, 10, 'sent', $2::timestamptz,
              $2::timestamptz - interval '1 day' - i * interval '1 ms',
              'sendmail'
         FROM generate_series(1, 5000) i`,
      [w.hosting.id, t.clock.now().toISOString()],
    );
    // the real export, held after its first batch until the test has read the first bytes: an
    // answer built whole before sending would never arrive
    const real = t.services.exports;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let batches = 0;
    const gated: ExportService = {
      ...real,
      async messages(...args) {
        const source = await real.messages(...args);
        return {
          async *[Symbol.asyncIterator]() {
            for await (const batch of source) {
              batches++;
              yield batch;
              if (batches === 1) await gate;
            }
          },
        };
      },
    };
    t.services.exports = gated;
    try {
      await t.app.listen({ port: 0, host: "127.0.0.1" });
      const { port } = t.app.server.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}${base}/messages.csv?status=sent`, {
        headers: { cookie: w.owner.cookie },
      });
      expect(response.status).toBe(200);
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let text = decoder.decode((await reader.read()).value, { stream: true });
      while (!text.includes("bulk ")) {
        text += decoder.decode((await reader.read()).value, { stream: true });
      }
      expect(batches).toBe(1);
      release();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
      // a batch is 1,000 rows: 5,001 sent messages are six batches, read one after the other
      expect(batches).toBe(6);
      const rows = parseCsv(text).slice(1);
      expect(rows).toHaveLength(5001);
      expect(rows.at(-1)?.[5]).toBe("bulk 5000");
    } finally {
      t.services.exports = real;
    }
  });
});
