import { spawn } from "node:child_process";
import path from "node:path";
import { createTestDatabase, type TestDatabase } from "@scripts-email/db/testing";
import { createServices } from "@scripts-email/domain";
import { freePort } from "@scripts-email/harness/ports";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, expect, it } from "vitest";

// The real process entry, its SMTP role on PostgreSQL: whatever writes to stdout (start-up, the
// role, the SMTP session of an accepted message, shutdown) writes in the one format LOG_FORMAT names.
const ROOT = path.resolve(import.meta.dirname, "../../..");
const SERVICE = "logs.example.org";
const TIMEOUT = 60_000;

let db: TestDatabase;
let password: string;

beforeAll(async () => {
  db = await createTestDatabase();
  const services = createServices({ db });
  await services.users.create({
    email: "owner@logs.test",
    password: "long enough",
    role: "customer",
  });
  await services.hostings.create({ serviceName: SERVICE, ownerEmail: "owner@logs.test" });
  password = await services.hostings.resetSmtpPassword(SERVICE);
});

afterAll(async () => {
  await db?.dispose();
});

/** Starts the process, sends one message through it, stops it; returns its output and the id. */
async function runOnce(format: "json" | "pretty", level = "debug") {
  const smtpPort = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: db.url,
    HOST: "127.0.0.1",
    PORT: String(await freePort()),
    SMTP_PORT: String(smtpPort),
    ROLES: "smtp",
    // the per-message line is at debug
    LOG_LEVEL: level,
    LOG_FORMAT: format,
  };
  const child = spawn(process.execPath, ["--import", "tsx", "apps/server/src/main.ts"], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const until = async (what: string, done: () => boolean) => {
    const deadline = Date.now() + TIMEOUT - 10_000;
    while (!done()) {
      if (child.exitCode !== null) throw new Error(`exited before ${what}\n${out}\n${err}`);
      if (Date.now() > deadline) throw new Error(`no ${what}\n${out}\n${err}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  try {
    await until("start", () => out.includes("Scripts-email is running"));
    const transport = nodemailer.createTransport({
      host: "127.0.0.1",
      port: smtpPort,
      auth: { user: SERVICE, pass: password },
      ignoreTLS: true,
    });
    const info = await transport.sendMail({
      from: `site@${SERVICE}`,
      to: "someone@dest.test",
      subject: "one format",
      text: "hello",
    });
    transport.close();
    const messageId = /Queued as (\S+)/.exec(info.response)?.[1];
    expect(messageId).toBeTruthy();
    if (level === "debug") await until("accepted line", () => out.includes("message accepted"));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    return { lines: out.trimEnd().split("\n"), stderr: err, messageId: messageId! };
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
  }
}

it(
  "writes JSON lines only, the accepted message's hosting and id as fields",
  async () => {
    const { lines, stderr, messageId } = await runOnce("json");
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const record of records) {
      expect(record).toMatchObject({
        level: expect.any(Number),
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        msg: expect.any(String),
      });
    }
    expect(records).toContainEqual(
      expect.objectContaining({
        role: "smtp",
        msg: "message accepted",
        hosting: SERVICE,
        messageId,
        status: "queued",
      }),
    );
    expect(records).toContainEqual(
      expect.objectContaining({ msg: expect.stringMatching(/^Scripts-email is running/) }),
    );
    expect(records).toContainEqual(expect.objectContaining({ msg: "stopped" }));
    // nothing of the process's own went to stderr in another format
    expect(stderr).not.toMatch(/INFO|DEBUG|smtp:/);
  },
  TIMEOUT + 30_000,
);

it(
  "writes readable lines with LOG_FORMAT=pretty, the fields after the message",
  async () => {
    const { lines, messageId } = await runOnce("pretty");
    for (const line of lines) {
      expect(() => JSON.parse(line)).toThrow();
      expect(line).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] (DEBUG|INFO|WARN|ERROR): /);
    }
    const accepted = lines.find((line) => line.includes("message accepted"));
    expect(accepted).toMatch(/ DEBUG: smtp: message accepted \{/);
    expect(accepted).toContain(`"hosting":"${SERVICE}"`);
    expect(accepted).toContain(`"messageId":"${messageId}"`);
  },
  TIMEOUT + 30_000,
);

it(
  "writes the start-up line at LOG_LEVEL=warn too, and nothing else below warn",
  async () => {
    const { lines } = await runOnce("json", "warn");
    const records = lines.map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(records.map((r) => r.msg)).toEqual(["Scripts-email is running roles: smtp"]);
  },
  TIMEOUT + 30_000,
);
