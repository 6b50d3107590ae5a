import { Writable } from "node:stream";
import { createTestDatabase, type TestDatabase } from "@scripts-email/db/testing";
import { createServices, ManualClock } from "@scripts-email/domain";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, expect, it } from "vitest";
import { buildApp } from "./app.ts";
import { call, login } from "./testing/fixtures.ts";

// Passwords, session cookies, CSRF tokens and API tokens must never reach the logs, even at the
// most verbose level and on the error paths.
let db: TestDatabase;
let app: FastifyInstance;
let logs = "";
const PASSWORD = "S3cret-horse-battery!";

beforeAll(async () => {
  db = await createTestDatabase();
  const services = createServices({ db, clock: new ManualClock() });
  await services.users.create({ email: "owner@logs.test", password: PASSWORD, role: "customer" });
  await services.hostings.create({
    serviceName: "logs.example.org",
    ownerEmail: "owner@logs.test",
  });
  const stream = new Writable({
    write(chunk, _encoding, done) {
      logs += chunk.toString();
      done();
    },
  });
  app = await buildApp({
    services,
    config: { cookieSecure: false, logger: { level: "trace", stream } },
  });
});

afterAll(async () => {
  await app?.close();
  await db?.dispose();
});

it("logs requests without any secret", async () => {
  const wrong = await app.inject({
    method: "POST",
    url: "/api/session",
    payload: { email: "owner@logs.test", password: `${PASSWORD}-wrong` },
  });
  expect(wrong.statusCode).toBe(401);
  const invalid = await app.inject({
    method: "POST",
    url: "/api/session",
    payload: { email: "not-an-address", password: PASSWORD },
  });
  expect(invalid.statusCode).toBe(400);
  const session = await login(app, "owner@logs.test", PASSWORD);
  const token = (await call(app, session, "POST", "/api/tokens", { name: "ci" })).json().token;
  const viaToken = await app.inject({
    method: "GET",
    url: "/api/hostings",
    headers: { authorization: `Bearer ${token}` },
  });
  expect(viaToken.statusCode).toBe(200);
  await call(app, session, "DELETE", "/api/session");

  expect(logs.length).toBeGreaterThan(0);
  for (const secret of [PASSWORD, session.cookie.split("=")[1]!, session.csrfToken, token]) {
    expect(logs).not.toContain(secret);
  }
});
