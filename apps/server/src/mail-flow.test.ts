import { createTestDatabase, type TestDatabase } from "@scripts-email/db/testing";
import { createServices, type Services } from "@scripts-email/domain";
import { freePort } from "@scripts-email/harness/ports";
import { startTestRelay, type TestRelay } from "@scripts-email/harness/test-relay";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "./config.ts";
import { createLog } from "./log.ts";
import { type RunningServer, startServer } from "./server.ts";

// The whole product in one process (api, smtp, worker, scheduler) on PostgreSQL, with a real
// SMTP relay on loopback: what the panel shows and what its buttons do is real mail moving.
let db: TestDatabase;
let relay: TestRelay;
let server: RunningServer;
let services: Services;
let api: string;
let metricsUrl: string;
let smtpPort: number;
let smtpPassword: string;
let cookie = "";
let csrf = "";

const SERVICE = "flow.example.org";

beforeAll(async () => {
  db = await createTestDatabase();
  relay = await startTestRelay();
  services = createServices({ db });
  await services.users.create({
    email: "owner@flow.test",
    password: "correct horse",
    role: "customer",
  });
  await services.hostings.create({ serviceName: SERVICE, ownerEmail: "owner@flow.test" });
  smtpPassword = await services.hostings.resetSmtpPassword(SERVICE);
  const [port, smtp, metrics] = [await freePort(), await freePort(), await freePort()];
  smtpPort = smtp;
  api = `http://127.0.0.1:${port}`;
  metricsUrl = `http://127.0.0.1:${metrics}/metrics`;
  const config = loadConfig({
    DATABASE_URL: db.url,
    PORT: String(port),
    SMTP_PORT: String(smtp),
    SMTP_RELAY_URL: relay.url,
    METRICS_PORT: String(metrics),
    LOG_LEVEL: "silent",
  });
  server = await startServer({ config, log: createLog("silent"), print: () => {} });
  const login = await fetch(`${api}/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "owner@flow.test", password: "correct horse" }),
  });
  cookie = login.headers.getSetCookie()[0]!.split(";")[0]!;
  csrf = (await login.json()).csrfToken;
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await relay?.close();
  await db?.dispose();
});

async function panel(path = "", init: { method?: string; body?: unknown } = {}) {
  const res = await fetch(`${api}/api/hostings/${SERVICE}/email${path}`, {
    method: init.method ?? "GET",
    headers: { cookie, "x-csrf-token": csrf, "content-type": "application/json" },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  return { status: res.status, body: await res.json() };
}

async function send(subject: string, to = "reader@dest.test") {
  const transport = nodemailer.createTransport({
    host: "127.0.0.1",
    port: smtpPort,
    secure: false,
    ignoreTLS: true,
    auth: { user: SERVICE, pass: smtpPassword },
  });
  try {
    return await transport.sendMail({
      from: `site@${SERVICE}`,
      to,
      subject,
      text: "Hello from a script.",
    });
  } finally {
    transport.close();
  }
}

async function until<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const subjects = () => relay.received.map((m) => /Subject: (.*)\r\n/.exec(m.raw.toString())?.[1]);

describe("mail through the whole product", () => {
  it("relays mail sent by SMTP and counts it", async () => {
    const info = await send("first");
    expect(info.response).toMatch(/^250 .*Queued as/);
    await until(
      "delivery",
      async () => subjects(),
      (s) => s.includes("first"),
    );
    const status = await until(
      "counters",
      () => panel(),
      (r) => r.body.sent === 1,
    );
    expect(status.body).toMatchObject({ state: "active", sent: 1, sentToday: 1, queued: 0 });
  });

  it("holds mail while blocked and sends it on unblock", async () => {
    expect((await panel("/requests", { method: "POST", body: { action: "block" } })).status).toBe(
      202,
    );
    const info = await send("while blocked");
    expect(info.response).toMatch(/Held as/);
    await new Promise((r) => setTimeout(r, 1500));
    expect(subjects()).not.toContain("while blocked");
    const held = await panel("/messages?status=held");
    expect(held.body.items.map((m: { subject: string }) => m.subject)).toEqual(["while blocked"]);
    expect((await panel()).body.held).toBe(1);

    expect((await panel("/requests", { method: "POST", body: { action: "unblock" } })).status).toBe(
      202,
    );
    await until(
      "release and delivery",
      async () => subjects(),
      (s) => s.includes("while blocked"),
    );
  });

  it("purges held mail and returns to active by itself", async () => {
    await panel("/requests", { method: "POST", body: { action: "block" } });
    for (const s of ["purge me 1", "purge me 2", "purge me 3"]) await send(s);
    expect((await panel()).body.held).toBe(3);
    const purge = await panel("/requests", { method: "POST", body: { action: "purge" } });
    expect(purge.status).toBe(202);
    expect(purge.body.state).toBe("purging");
    const done = await until(
      "purge",
      () => panel(),
      (r) => r.body.state === "active",
    );
    expect(done.body.held).toBe(0);
    const history = await panel("/history");
    expect(history.body[0]).toMatchObject({ from: "purging", to: "active", actorRole: "system" });
    expect(subjects().filter((s) => s?.startsWith("purge me"))).toEqual([]);
  });

  it("shows the relay's refusals as delivery errors", async () => {
    await send("bounce", "nobody+550@dest.test");
    const errors = await until(
      "error",
      () => panel("/errors"),
      (r) => r.body.length > 0,
    );
    expect(errors.body[0]).toMatchObject({ recipient: "nobody+550@dest.test", code: 550 });
    expect((await panel()).body.errors).toBe(1);
  });

  it("exposes the mail path's metrics with the API's on METRICS_PORT only", async () => {
    expect((await fetch(`${api}/metrics`)).status).toBe(404);
    const text = await (await fetch(metricsUrl)).text();
    expect(text).toMatch(/scripts_email_messages_accepted_total\{status="queued"\} \d+/);
    expect(text).toMatch(/scripts_email_recipients_total\{outcome="delivered"\} \d+/);
    expect(text).toMatch(/scripts_email_queue_depth\{status="held"\} 0/);
    expect(text).toMatch(/http_requests_total/);
  });
});
