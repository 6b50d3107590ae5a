import { createTestDatabase, type TestDatabase } from "@scripts-email/db/testing";
import { createServices, type Services } from "@scripts-email/domain";
import { freePort } from "@scripts-email/harness/ports";
import { startTestRelay, type TestRelay } from "@scripts-email/harness/test-relay";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, expect, it } from "vitest";
import { loadConfig } from "./config.ts";
import { createLog } from "./log.ts";
import { type RunningServer, startServer } from "./server.ts";

// Selective actions through the whole product (api, smtp, worker, scheduler in one process, on
// PostgreSQL, with a real relay on loopback): while sending is blocked, the spam is deleted by
// filter and the rest released by hand, and only the rest reaches the relay.
let db: TestDatabase;
let relay: TestRelay;
let server: RunningServer;
let services: Services;
let api: string;
let smtpPort: number;
let smtpPassword: string;
let cookie = "";
let csrf = "";

const SERVICE = "selection.example.org";

beforeAll(async () => {
  db = await createTestDatabase();
  relay = await startTestRelay();
  services = createServices({ db });
  await services.users.create({
    email: "owner@selection.test",
    password: "correct horse",
    role: "customer",
  });
  await services.hostings.create({ serviceName: SERVICE, ownerEmail: "owner@selection.test" });
  smtpPassword = await services.hostings.resetSmtpPassword(SERVICE);
  const [port, smtp, metrics] = [await freePort(), await freePort(), await freePort()];
  smtpPort = smtp;
  api = `http://127.0.0.1:${port}`;
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
    body: JSON.stringify({ email: "owner@selection.test", password: "correct horse" }),
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

async function send(subject: string, to: string) {
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
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const subjects = () => relay.received.map((m) => /Subject: (.*)\r\n/.exec(m.raw.toString())?.[1]);

it("deletes the spam by filter and releases the rest while blocked: only the rest is relayed", async () => {
  expect((await panel("/requests", { method: "POST", body: { action: "block" } })).status).toBe(
    202,
  );
  for (const s of ["Order 1", "Order 2"]) await send(s, "buyer@shop.test");
  for (const s of ["Cheap pills 1", "Cheap pills 2", "Cheap pills 3"]) {
    await send(s, "victim@spam.test");
  }
  expect((await panel()).body).toMatchObject({ state: "blocked", held: 5 });

  const spam = { subject: "cheap pills", recipient: "@SPAM.test" };
  const count = await panel("/selection", {
    method: "POST",
    body: { filter: spam, action: "count" },
  });
  expect(count).toEqual({ status: 200, body: { matched: 3 } });

  const deletion = await panel("/selection", {
    method: "POST",
    body: { filter: spam, action: "delete" },
  });
  expect(deletion).toMatchObject({ status: 202, body: { matched: 3 } });
  // the API process runs it at once, without waiting for the scheduler's next tick
  const deleted = await until(
    "the delete job",
    () => panel(`/jobs/${deletion.body.jobId}`),
    (r) => r.body.state !== "running",
  );
  expect(deleted.body).toMatchObject({ state: "finished", matched: 3, done: 3 });
  const purged = await panel("/messages?status=purged");
  expect(purged.body.items.map((m: { subject: string }) => m.subject).sort()).toEqual([
    "Cheap pills 1",
    "Cheap pills 2",
    "Cheap pills 3",
  ]);

  const release = await panel("/selection", {
    method: "POST",
    body: { filter: {}, action: "release" },
  });
  expect(release).toMatchObject({ status: 202, body: { matched: 2 } });
  await until(
    "the released mail at the relay",
    async () => subjects(),
    (s) => s.includes("Order 1") && s.includes("Order 2"),
  );
  expect(subjects().filter((s) => s?.startsWith("Cheap pills"))).toEqual([]);
  // released by hand: sent while the hosting stays blocked
  const status = await until(
    "counters",
    () => panel(),
    (r) => r.body.sent === 2,
  );
  expect(status.body).toMatchObject({ state: "blocked", held: 0, queued: 0 });

  const jobs = await panel("/jobs");
  expect(
    jobs.body.items.map((j: { action: string; state: string }) => [j.action, j.state]),
  ).toEqual([
    ["release", "finished"],
    ["delete", "finished"],
  ]);
}, 60_000);
