import { createTestDatabase, type TestDatabase } from "@scripts-email/db/testing";
import { createServices, type Services } from "@scripts-email/domain";
import { freePort } from "@scripts-email/harness/ports";
import { GTUBE, type PrivateRspamd, startRspamd } from "@scripts-email/harness/rspamd";
import { startTestRelay, type TestRelay } from "@scripts-email/harness/test-relay";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "./config.ts";
import { createLog } from "./log.ts";
import { type RunningServer, startServer } from "./server.ts";

// The whole product configured as an operator would (SPAM_SCANNER_URL, SPAM_BLOCK_PER_HOUR),
// a real rspamd, a real relay: the settings reach the worker, the panel's status and /metrics.

const SERVICE = "spam-flow.example.org";

describe("spam scanning in the whole product", () => {
  let db: TestDatabase;
  let relay: TestRelay;
  let rspamd: PrivateRspamd;
  let server: RunningServer;
  let services: Services;
  let metricsUrl: string;
  let statusUrl: string;
  let cookie: string;
  let smtpPort: number;
  let smtpPassword: string;

  beforeAll(async () => {
    [db, relay, rspamd] = await Promise.all([
      createTestDatabase(),
      startTestRelay(),
      startRspamd(),
    ]);
    services = createServices({ db });
    await services.users.create({
      email: "owner@spam-flow.test",
      password: "correct horse",
      role: "customer",
    });
    await services.hostings.create({ serviceName: SERVICE, ownerEmail: "owner@spam-flow.test" });
    smtpPassword = await services.hostings.resetSmtpPassword(SERVICE);
    const [port, smtp, metrics] = [await freePort(), await freePort(), await freePort()];
    smtpPort = smtp;
    metricsUrl = `http://127.0.0.1:${metrics}/metrics`;
    statusUrl = `http://127.0.0.1:${port}/api/hostings/${SERVICE}/email`;
    const config = loadConfig({
      DATABASE_URL: db.url,
      PORT: String(port),
      SMTP_PORT: String(smtp),
      SMTP_RELAY_URL: relay.url,
      METRICS_PORT: String(metrics),
      SPAM_SCANNER_URL: rspamd.url,
      SPAM_BLOCK_PER_HOUR: "1",
      LOG_LEVEL: "silent",
    });
    server = await startServer({ config, log: createLog("silent"), print: () => {} });
    const login = await fetch(`http://127.0.0.1:${port}/api/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "owner@spam-flow.test", password: "correct horse" }),
    });
    cookie = login.headers.getSetCookie()[0]!.split(";")[0]!;
  }, 200_000);

  /** The panel's email status, as the API serves it. */
  const status = async () => (await fetch(statusUrl, { headers: { cookie } })).json();

  afterAll(async () => {
    await server?.stop();
    await relay?.close();
    await rspamd?.stop();
    await db?.dispose();
  });

  async function send(subject: string, text: string) {
    const transport = nodemailer.createTransport({
      host: "127.0.0.1",
      port: smtpPort,
      secure: false,
      ignoreTLS: true,
      auth: { user: SERVICE, pass: smtpPassword },
    });
    try {
      await transport.sendMail({ from: `shop@${SERVICE}`, to: "ana@dest.test", subject, text });
    } finally {
      transport.close();
    }
  }

  async function until<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean) {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const value = await probe();
      if (ok(value)) return value;
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const scans = async () => {
    const text = await (await fetch(metricsUrl)).text();
    const count = (result: string) =>
      Number(
        new RegExp(`^scripts_email_spam_scans_total\\{result="${result}"\\} (\\d+)`, "m").exec(
          text,
        )?.[1] ?? Number.NaN,
      );
    return { clean: count("clean"), spam: count("spam"), unscanned: count("unscanned") };
  };

  it("relays the order mail, holds the spam, blocks the hosting past the limit, and counts", async () => {
    expect(await status()).toMatchObject({ spamChecking: true, state: "active" });

    await send("Your order 1042", "Thank you for your order: it ships tomorrow.");
    await until(
      "the order mail at the relay",
      async () => relay.received.length,
      (n) => n === 1,
    );
    await send("Cheap pills", `Buy now! ${GTUBE}`);
    await send("Cheaper pills", `Buy now! ${GTUBE}`);
    const blocked = await until("the spam block", status, (s) => s.state === "blocked");
    expect(blocked).toMatchObject({ blockCause: "spam", held: 2, spam: 2 });
    // the site's mail that left: the order only (the owner's alert of the block goes too)
    const site = relay.received.filter((m) => m.from === `shop@${SERVICE}`);
    expect(site.map((m) => /^Subject: (.*)$/m.exec(m.raw.toString())?.[1]?.trim())).toEqual([
      "Your order 1042",
    ]);
    expect(relay.received.some((m) => m.raw.toString().includes(GTUBE))).toBe(false);
    expect(await scans()).toEqual({ clean: 1, spam: 2, unscanned: 0 });
  });
});
