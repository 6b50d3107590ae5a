import { createTestDatabase, type TestDatabase } from "@scripts-email/db/testing";
import { createServices, type Services } from "@scripts-email/domain";
import { freePort } from "@scripts-email/harness/ports";
import { startTestRelay, type TestRelay } from "@scripts-email/harness/test-relay";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "./config.ts";
import { createLog } from "./log.ts";
import { mailJobs } from "./roles/scheduler-role.ts";
import { type RunningServer, startServer } from "./server.ts";

// Issue 15: the suppression list through the whole product, over real SMTP on loopback. A relay
// answers 550 5.1.1 for one address and 550 5.7.1 for another; the first goes on the hosting's
// list, and the next submission to it is refused at RCPT TO naming the list, while the other
// recipient of the same message is accepted. Removing it (API) lets mail through again.

let db: TestDatabase;
let relay: TestRelay;
let server: RunningServer;
let services: Services;
let api: string;
let smtpPort: number;
let smtpPassword: string;
let cookie = "";
let csrf = "";

const SERVICE = "suppress.example.org";

beforeAll(async () => {
  db = await createTestDatabase();
  relay = await startTestRelay();
  relay.recipientReplies.set("gone@dest.test", {
    code: 550,
    text: "5.1.1 <gone@dest.test>: Recipient address rejected: User unknown",
  });
  relay.recipientReplies.set("policy@dest.test", { code: 550, text: "5.7.1 Refused by policy" });
  services = createServices({ db });
  await services.users.create({
    email: "owner@suppress.test",
    password: "correct horse",
    role: "customer",
  });
  await services.hostings.create({ serviceName: SERVICE, ownerEmail: "owner@suppress.test" });
  smtpPassword = await services.hostings.resetSmtpPassword(SERVICE);
  const [port, smtp] = [await freePort(), await freePort()];
  smtpPort = smtp;
  api = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    DATABASE_URL: db.url,
    PORT: String(port),
    SMTP_PORT: String(smtp),
    SMTP_RELAY_URL: relay.url,
    SUPPRESSION_DAYS: "30",
    LOG_LEVEL: "silent",
  });
  server = await startServer({ config, log: createLog("silent"), print: () => {} });
  const login = await fetch(`${api}/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "owner@suppress.test", password: "correct horse" }),
  });
  cookie = login.headers.getSetCookie()[0]!.split(";")[0]!;
  csrf = (await login.json()).csrfToken;
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await relay?.close();
  await db?.dispose();
});

async function panel(path: string, init: { method?: string; body?: unknown } = {}) {
  const res = await fetch(`${api}/api/hostings/${SERVICE}/email${path}`, {
    method: init.method ?? "GET",
    headers: { cookie, "x-csrf-token": csrf, "content-type": "application/json" },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  return { status: res.status, body: res.status === 204 ? null : await res.json() };
}

async function send(subject: string, to: string[]) {
  const transport = nodemailer.createTransport({
    host: "127.0.0.1",
    port: smtpPort,
    secure: false,
    ignoreTLS: true,
    auth: { user: SERVICE, pass: smtpPassword },
  });
  try {
    return await transport.sendMail({ from: `site@${SERVICE}`, to, subject, text: "Hello." });
  } finally {
    transport.close();
  }
}

async function until<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

const relayed = () =>
  relay.received.map((m) => ({
    to: m.to,
    subject: /Subject: (.*)\r\n/.exec(m.raw.toString())?.[1] ?? "",
  }));

const listed = async () =>
  ((await panel("/suppressions")).body.items as Array<{ address: string; reason: string }>).map(
    (i) => i.address,
  );

/** The recipients of the message with this subject that are finished (delivered or failed). */
const finished = (subject: string) =>
  db.sql.query<{ n: number }>(
    `SELECT cardinality(delivered) + cardinality(failed) AS n FROM "Message" WHERE subject = $1`,
    [subject],
  );

describe("suppression list over SMTP", () => {
  it("adds an address the relay refused with 5.1.1, and refuses the next mail to it at RCPT", async () => {
    const first = await send("first", ["gone@dest.test", "fine@dest.test"]);
    expect(first.accepted).toEqual(["gone@dest.test", "fine@dest.test"]);
    await until("the 5.1.1 failure on the list", listed, (l) => l.includes("gone@dest.test"));
    const entry = (await panel("/suppressions?q=gone")).body.items[0];
    expect(entry.reason).toMatch(/5\.1\.1 <gone@dest\.test>: Recipient address rejected/);

    const second = await send("second", ["GONE@dest.test", "fine@dest.test"]);
    expect(second.accepted).toEqual(["fine@dest.test"]);
    expect(second.rejected).toEqual(["GONE@dest.test"]);
    const since = String(entry.addedAt).slice(0, 10);
    expect(second.rejectedErrors?.[0]?.response).toBe(
      `550 5.1.1 <gone@dest.test>: on this hosting's suppression list since ${since} after a ` +
        "permanent failure; remove it in the panel to send again",
    );
    await until(
      "the second message relayed to the accepted recipient",
      async () => relayed().filter((m) => m.subject === "second"),
      (m) => m.length === 1,
    );
    expect(relayed().find((m) => m.subject === "second")?.to).toEqual(["fine@dest.test"]);
    // counted as a refusal of the day, reason suppressed (the recorder writes once a second)
    await until(
      "the refusal recorded",
      () =>
        db.sql.query<{ script: string; count: number }>(
          `SELECT script, count FROM "Refusal" WHERE reason = 'suppressed'`,
        ),
      (rows) => rows.length === 1 && rows[0]!.count === 1,
    );
  });

  it("does not add an address refused for policy (5.7.1)", async () => {
    await send("policy", ["policy@dest.test", "fine@dest.test"]);
    await until(
      "both recipients finished",
      () => finished("policy"),
      (r) => r[0]?.n === 2,
    );
    expect(await listed()).toEqual(["gone@dest.test"]);
    const again = await send("policy again", ["policy@dest.test"]);
    expect(again.accepted).toEqual(["policy@dest.test"]);
  });

  it("lets mail through again once the address is removed", async () => {
    const removed = await panel("/suppressions/gone@dest.test", { method: "DELETE", body: {} });
    expect(removed.status).toBe(204);
    expect(await listed()).toEqual([]);
    const info = await send("after removal", ["gone@dest.test"]);
    expect(info.accepted).toEqual(["gone@dest.test"]);
    // the relay refuses it again with 5.1.1: back on the list
    await until("back on the list", listed, (l) => l.includes("gone@dest.test"));
  });

  it("the scheduler's job deletes expired entries", async () => {
    await db.sql.query(`UPDATE "Suppression" SET "expiresAt" = now() - interval '1 minute'`);
    // expired entries no longer refuse mail, whether deleted yet or not
    expect(await listed()).toEqual([]);
    const job = mailJobs(services).find((j) => j.name === "suppression-expiry");
    expect(await job?.run()).toBe(1);
    const rows = await db.sql.query(`SELECT 1 FROM "Suppression"`);
    expect(rows).toEqual([]);
  });
});
