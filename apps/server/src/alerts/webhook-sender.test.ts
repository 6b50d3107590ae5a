import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { createTestDatabase, type TestDatabase } from "@scripts-email/db/testing";
import { createServices, ManualClock, type Services } from "@scripts-email/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWebhookSender, postWebhook } from "./webhook-sender.ts";

interface Received {
  method: string;
  url: string;
  host: string | undefined;
  type: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
  raw: string;
  body: unknown;
}

const received: Received[] = [];
let answer: "ok" | "error" | "hang" | "redirect" = "ok";

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function receiver(): Server {
  return createServer(async (request, response) => {
    const text = await bodyOf(request);
    received.push({
      method: request.method ?? "",
      url: request.url ?? "",
      host: request.headers.host,
      type: request.headers["content-type"],
      timestamp: request.headers["x-scripts-email-timestamp"] as string | undefined,
      signature: request.headers["x-scripts-email-signature"] as string | undefined,
      raw: text,
      body: JSON.parse(text),
    });
    if (answer === "hang") return; // never answers
    if (answer === "redirect") {
      response.writeHead(302, { location: "http://127.0.0.1:1/elsewhere" }).end();
      return;
    }
    response.statusCode = answer === "ok" ? 204 : 500;
    response.end();
  });
}

async function listen(server: Server, host: string): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return (server.address() as AddressInfo).port;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

/** The receiver's check exactly as docs/webhooks.md gives it (its first ```js block). */
function documentedVerify(): (
  secret: string,
  headers: Record<string, string | undefined>,
  rawBody: string,
  now?: number,
) => boolean {
  const doc = readFileSync(new URL("../../../../docs/webhooks.md", import.meta.url), "utf8");
  const code = /```js\n([\s\S]*?)```/.exec(doc)?.[1];
  if (!code) throw new Error("docs/webhooks.md has no js block");
  return new Function("require", `${code}\nreturn verify;`)(createRequire(import.meta.url));
}

const payload = {
  kind: "k",
  serviceName: "s",
  at: "t",
  details: {},
  locale: "en" as const,
  subject: "s",
  text: "t",
};
const LOOPBACK = "127.0.0.0/8,::1/128";

let server: Server;
let base: string;
let port: number;

beforeAll(async () => {
  server = receiver();
  port = await listen(server, "127.0.0.1");
  base = `http://127.0.0.1:${port}`;
});
afterAll(() => close(server));

describe("alert webhook sender", () => {
  it("posts signed JSON that the documented check accepts, and fails on an error status or a timeout", async () => {
    answer = "ok";
    const now = Date.UTC(2026, 2, 10, 12);
    const send = createWebhookSender({ allowNetworks: LOOPBACK, now: () => now });
    await send(`${base}/ok?x=1`, payload, 2000, "whsec_test");
    const got = received.at(-1)!;
    expect(got).toMatchObject({
      method: "POST",
      url: "/ok?x=1",
      type: "application/json",
      timestamp: String(now / 1000),
      signature: expect.stringMatching(/^v1=[0-9a-f]{64}$/),
      body: payload,
    });
    const verify = documentedVerify();
    const headers = {
      "x-scripts-email-timestamp": got.timestamp,
      "x-scripts-email-signature": got.signature,
    };
    expect(verify("whsec_test", headers, got.raw, now + 60_000)).toBe(true);
    expect(verify("whsec_other", headers, got.raw, now)).toBe(false);
    expect(verify("whsec_test", headers, `${got.raw} `, now)).toBe(false);
    expect(verify("whsec_test", headers, got.raw, now + 6 * 60_000)).toBe(false);

    // a webhook set before keys existed goes unsigned
    await send(`${base}/unsigned`, payload, 2000, null);
    expect(received.at(-1)).toMatchObject({ url: "/unsigned", signature: undefined });

    answer = "error";
    await expect(send(`${base}/e`, payload, 2000, "k")).rejects.toThrow("answered HTTP 500");
    answer = "hang";
    const started = Date.now();
    await expect(send(`${base}/h`, payload, 200, "k")).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it.each([
    "http://169.254.169.254/latest/meta-data/",
    "http://10.1.2.3/",
    "http://172.16.0.1/",
    "http://192.168.1.1/",
    "http://100.64.0.1/",
    "http://224.0.0.1/",
    "http://0.0.0.0/",
    "http://0x7f000001/",
    "http://127.1/",
    "http://2130706433/",
    "https://[::1]/",
    "https://[::ffff:127.0.0.1]/",
    "https://[::ffff:a9fe:a9fe]/",
    "https://[::127.0.0.1]/",
    "https://[fd00::1]/",
    "https://[fe80::1]/",
    "https://[ff02::1]/",
    "https://[::]/",
    "https://[64:ff9b::7f00:1]/",
  ])("refuses %s without connecting", async (url) => {
    await expect(postWebhook(url, payload, 2000, "k")).rejects.toThrow(/^refused: .* address$/);
  });

  it("refuses a name that resolves to loopback (localhost) without connecting", async () => {
    answer = "ok";
    const before = received.length;
    await expect(postWebhook(`http://localhost:${port}/x`, payload, 2000, "k")).rejects.toThrow(
      /refused: localhost resolves to (127\.0\.0\.1|::1) is a loopback address/,
    );
    expect(received).toHaveLength(before);
  });

  it("resolves once and connects to the address it checked (no DNS rebinding), with the name in Host", async () => {
    answer = "ok";
    const pinned = receiver();
    const pinnedPort = await listen(pinned, "127.0.0.2");
    try {
      const answers = [
        [{ address: "127.0.0.2", family: 4 }],
        [{ address: "127.0.0.1", family: 4 }],
      ];
      let lookups = 0;
      const send = createWebhookSender({
        allowNetworks: "127.0.0.2/32",
        resolve: async () => answers[Math.min(lookups++, 1)]!,
      });
      await send(`http://hooks.test:${pinnedPort}/pinned`, payload, 2000, "k");
      expect(lookups).toBe(1);
      expect(received.at(-1)).toMatchObject({ url: "/pinned", host: `hooks.test:${pinnedPort}` });
      // the next resolution says loopback: refused, never connected
      await expect(send(`http://hooks.test:${pinnedPort}/x`, payload, 2000, "k")).rejects.toThrow(
        "refused: hooks.test resolves to 127.0.0.1 is a loopback address",
      );
      // one internal address among public ones is enough to refuse
      const mixed = createWebhookSender({
        resolve: async () => [
          { address: "93.184.216.34", family: 4 },
          { address: "10.0.0.7", family: 4 },
        ],
      });
      await expect(mixed("https://hooks.test/", payload, 2000, "k")).rejects.toThrow(
        "refused: hooks.test resolves to 10.0.0.7 is a private address",
      );
    } finally {
      await close(pinned);
    }
  });

  it("does not follow a redirect", async () => {
    answer = "redirect";
    const before = received.length;
    const send = createWebhookSender({ allowNetworks: LOOPBACK });
    await expect(send(`${base}/moved`, payload, 2000, "k")).rejects.toThrow(
      "answered HTTP 302: redirects are not followed",
    );
    expect(received).toHaveLength(before + 1);
    answer = "ok";
  });
});

describe("alert webhooks end to end", () => {
  let db: TestDatabase;
  let services: Services;

  beforeAll(async () => {
    db = await createTestDatabase();
    services = createServices({
      db,
      clock: new ManualClock("2026-03-10T12:00:00.000Z"),
      webhookAllowNetworks: LOOPBACK,
    });
  });
  afterAll(async () => {
    await db?.dispose();
  });

  it("posts a finished purge to the hosting's loopback webhook, signed with the key shown once", async () => {
    answer = "ok";
    received.length = 0;
    const owner = await services.users.create({
      email: "owner@example.org",
      password: "long enough",
      role: "customer",
    });
    const actor = {
      kind: "user",
      userId: owner.id,
      email: owner.email,
      role: "customer",
      locale: "en",
    } as const;
    await services.hostings.create({ serviceName: "example.org", ownerEmail: owner.email });
    const status = await services.email.updateSettings(actor, "example.org", {
      alertWebhookUrl: `${base}/scripts-email`,
      // the purge's unblock is an alert of its own: turned off, only the purge is posted
      alertsOff: ["unblocked"],
    });
    expect(status.alertWebhookUrl).toBe(`${base}/scripts-email`);
    const secret = status.alertWebhookSecret!;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect((await services.email.status(actor, "example.org")).alertWebhookSecret).toBeUndefined();
    await services.email.request(actor, "example.org", "block");
    await services.email.request(actor, "example.org", "purge");
    await services.email.runPurges();

    const send = createWebhookSender({
      allowNetworks: LOOPBACK,
      now: () => Date.parse("2026-03-10T12:00:00.000Z"),
    });
    expect(await services.alerts.deliverWebhooks(send)).toBe(1);
    expect(received).toMatchObject([
      {
        method: "POST",
        url: "/scripts-email",
        type: "application/json",
        body: {
          kind: "purge_finished",
          serviceName: "example.org",
          at: "2026-03-10T12:00:00.000Z",
          details: expect.objectContaining({ startedAt: "2026-03-10T12:00:00.000Z" }),
        },
      },
    ]);
    const got = received[0]!;
    const headers = {
      "x-scripts-email-timestamp": got.timestamp,
      "x-scripts-email-signature": got.signature,
    };
    expect(documentedVerify()(secret, headers, got.raw, Date.parse("2026-03-10T12:01:00Z"))).toBe(
      true,
    );
    expect(await services.alerts.deliverWebhooks(send)).toBe(0);
  });

  it("refuses to save a webhook to an internal address the operator did not allow", async () => {
    const strict = createServices({ db, clock: new ManualClock("2026-03-10T12:00:00.000Z") });
    const owner = await strict.users.findByEmail("owner@example.org");
    const actor = {
      kind: "user",
      userId: owner!.id,
      email: owner!.email,
      role: "customer",
      locale: "en",
    } as const;
    await expect(
      strict.email.updateSettings(actor, "example.org", { alertWebhookUrl: `${base}/x` }),
    ).rejects.toMatchObject({ code: "validation_failed", params: { field: "alertWebhookUrl" } });
  });
});
