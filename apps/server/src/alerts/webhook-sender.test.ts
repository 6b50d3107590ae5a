import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createTestDatabase, type TestDatabase } from "@scripts-email/db/testing";
import { createServices, ManualClock, type Services } from "@scripts-email/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postWebhook } from "./webhook-sender.ts";

interface Received {
  method: string;
  url: string;
  type: string | undefined;
  body: unknown;
}

let server: Server;
let base: string;
const received: Received[] = [];
let answer: "ok" | "error" | "hang" = "ok";

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const text = await bodyOf(request);
    received.push({
      method: request.method ?? "",
      url: request.url ?? "",
      type: request.headers["content-type"],
      body: JSON.parse(text),
    });
    if (answer === "hang") return; // never answers
    response.statusCode = answer === "ok" ? 204 : 500;
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("postWebhook", () => {
  it("posts JSON and fails on an error status or when the receiver does not answer in time", async () => {
    answer = "ok";
    await postWebhook(`${base}/ok`, { kind: "k", serviceName: "s", at: "t", details: {} }, 2000);
    expect(received.at(-1)).toMatchObject({
      method: "POST",
      url: "/ok",
      type: "application/json",
      body: { kind: "k", serviceName: "s", at: "t", details: {} },
    });
    answer = "error";
    await expect(
      postWebhook(`${base}/e`, { kind: "k", serviceName: "s", at: "t", details: {} }, 2000),
    ).rejects.toThrow("answered HTTP 500");
    answer = "hang";
    const started = Date.now();
    await expect(
      postWebhook(`${base}/h`, { kind: "k", serviceName: "s", at: "t", details: {} }, 200),
    ).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe("alert webhooks end to end", () => {
  let db: TestDatabase;
  let services: Services;

  beforeAll(async () => {
    db = await createTestDatabase();
    services = createServices({ db, clock: new ManualClock("2026-03-10T12:00:00.000Z") });
  });
  afterAll(async () => {
    await db?.dispose();
  });

  it("posts a finished purge to the hosting's loopback webhook", async () => {
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
    });
    expect(status.alertWebhookUrl).toBe(`${base}/scripts-email`);
    await services.email.request(actor, "example.org", "block");
    await services.email.request(actor, "example.org", "purge");
    await services.email.runPurges();

    expect(await services.alerts.deliverWebhooks(postWebhook)).toBe(1);
    expect(received).toEqual([
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
    expect(await services.alerts.deliverWebhooks(postWebhook)).toBe(0);
  });
});
