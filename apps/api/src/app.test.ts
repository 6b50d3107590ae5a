import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { DomainError, type Services } from "@scripts-email/domain";
import { t as translate } from "@scripts-email/i18n";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "./app.ts";
import { STATUS_BY_CODE } from "./plugins/error-handler.ts";
import {
  call,
  createTestApp,
  errorCodeOf,
  seedWorld,
  type TestApp,
  type World,
} from "./testing/fixtures.ts";

let t: TestApp;
let w: World;

const METRICS_TOKEN = "metrics-scraper-secret-0123456789";

beforeAll(async () => {
  t = await createTestApp({ config: { metricsToken: METRICS_TOKEN } });
  w = await seedWorld(t);
});
afterAll(() => t?.close());

/** Services whose every call fails the way a broken dependency would. */
function brokenServices(failure: () => never): Services {
  const fail = async () => failure();
  const area = new Proxy({}, { get: () => fail });
  return {
    clock: { now: () => new Date() },
    users: area,
    auth: {
      ...area,
      authenticateToken: async () => ({
        id: "u1",
        email: "u@example.com",
        role: "customer",
        locale: "en",
      }),
    },
    hostings: area,
    email: area,
    messages: area,
    audit: area,
    ping: async () => false,
  } as unknown as Services;
}

describe("health and metrics", () => {
  it("GET /health reports the process and the database", async () => {
    const res = await t.app.inject({ method: "GET", url: "/health" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: "ok", database: "ok", uptimeSeconds: expect.any(Number) });
  });

  it("GET /health answers 503 degraded when the database does not", async () => {
    const app = await buildApp({
      services: brokenServices(() => {
        throw new Error("connection refused");
      }),
      config: { cookieSecure: false },
    });
    try {
      const res = await app.inject({ method: "GET", url: "/health" });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ status: "degraded", database: "unreachable" });
    } finally {
      await app.close();
    }
  });

  it("GET /metrics speaks the Prometheus text format with per-route counters", async () => {
    await call(t.app, w.owner, "GET", `/api/hostings/${w.hosting.serviceName}/email`);
    const res = await t.app.inject({
      method: "GET",
      url: "/metrics",
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/plain/);
    expect(res.body).toContain("# TYPE http_requests_total counter");
    expect(res.body).toContain(
      'http_requests_total{method="GET",route="/api/hostings/:serviceName/email",status="200"} 1',
    );
    expect(res.body).toContain("http_request_duration_seconds_bucket");
    expect(res.body).toContain("process_cpu_user_seconds_total");
  });
});

describe("OpenAPI", () => {
  it("documents every API path with both ways of signing in", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/openapi.json" });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths).sort()).toEqual([
      "/api/account/sessions",
      "/api/account/sessions/{id}",
      "/api/audit",
      "/api/fleet/summary",
      "/api/hostings",
      "/api/hostings/{serviceName}/audit",
      "/api/hostings/{serviceName}/email",
      "/api/hostings/{serviceName}/email/daily-limit",
      "/api/hostings/{serviceName}/email/errors",
      "/api/hostings/{serviceName}/email/errors.csv",
      "/api/hostings/{serviceName}/email/held/groups",
      "/api/hostings/{serviceName}/email/history",
      "/api/hostings/{serviceName}/email/jobs",
      "/api/hostings/{serviceName}/email/jobs/{jobId}",
      "/api/hostings/{serviceName}/email/messages",
      "/api/hostings/{serviceName}/email/messages.csv",
      "/api/hostings/{serviceName}/email/messages/{id}",
      "/api/hostings/{serviceName}/email/messages/{id}/body",
      "/api/hostings/{serviceName}/email/refusals",
      "/api/hostings/{serviceName}/email/reports",
      "/api/hostings/{serviceName}/email/requests",
      "/api/hostings/{serviceName}/email/scripts",
      "/api/hostings/{serviceName}/email/scripts/held",
      "/api/hostings/{serviceName}/email/selection",
      "/api/hostings/{serviceName}/email/sending-settings",
      "/api/hostings/{serviceName}/email/smtp-password",
      "/api/hostings/{serviceName}/email/suppressions",
      "/api/hostings/{serviceName}/email/suppressions/{address}",
      "/api/hostings/{serviceName}/email/test",
      "/api/hostings/{serviceName}/email/volumes",
      "/api/hostings/{serviceName}/notes",
      "/api/hostings/{serviceName}/notes/{noteId}",
      "/api/hostings/{serviceName}/sender-domains",
      "/api/info",
      "/api/me",
      "/api/me/password",
      "/api/session",
      "/api/tokens",
      "/api/tokens/{id}",
      "/health",
    ]);
    expect(doc.components.securitySchemes).toEqual({
      cookieAuth: { type: "apiKey", in: "cookie", name: "se_session" },
      bearerAuth: { type: "http", scheme: "bearer" },
    });
    const request = doc.paths["/api/hostings/{serviceName}/email/requests"].post;
    expect(request.security).toEqual([{ cookieAuth: [] }, { bearerAuth: [] }]);
    expect(Object.keys(request.responses)).toEqual(expect.arrayContaining(["202", "4XX"]));
    expect(request.requestBody.content["application/json"].schema.properties.action.enum).toEqual([
      "block",
      "purge",
      "unblock",
    ]);
    expect(doc.paths["/api/session"].post.security).toEqual([]);
  });

  it("serves the docs UI at /api/docs", async () => {
    const page = await t.app.inject({ method: "GET", url: "/api/docs" });
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toMatch(/text\/html/);
    expect(page.body).toContain("swagger-ui");
    const spec = await t.app.inject({ method: "GET", url: "/api/docs/json" });
    expect(Object.keys(spec.json().paths)).toContain("/api/hostings");
  });
});

describe("errors have one shape", () => {
  it("maps every error code to a status through one table", () => {
    expect(STATUS_BY_CODE).toMatchObject({
      validation_failed: 400,
      unauthenticated: 401,
      invalid_credentials: 401,
      forbidden: 403,
      csrf_failed: 403,
      blocked_by_support: 409,
      spam_not_purged: 409,
      not_found: 404,
      invalid_transition: 409,
      already_exists: 409,
      reason_required: 400,
      too_many_attempts: 429,
      unavailable: 503,
      internal: 500,
    });
  });

  it("answers unknown routes with 404 in the error shape", async () => {
    for (const url of ["/api/nothing-here", "/nothing"]) {
      const res = await t.app.inject({ method: "GET", url });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({
        error: { code: "not_found", message: "Not found." },
        requestId: expect.any(String),
      });
      expect(res.headers["x-request-id"]).toBe(res.json().requestId);
    }
  });

  it("answers bad JSON with 400, a wrong media type with 415, a huge body with 413", async () => {
    const headers = { cookie: w.owner.cookie, "x-csrf-token": w.owner.csrfToken };
    const url = `/api/hostings/${w.hosting.serviceName}/email/requests`;
    const badJson = await t.app.inject({
      method: "POST",
      url,
      headers: { ...headers, "content-type": "application/json" },
      payload: '{"action": ',
    });
    expect(badJson.statusCode).toBe(400);
    expect(errorCodeOf(badJson)).toBe("validation_failed");

    const text = await t.app.inject({
      method: "POST",
      url,
      headers: { ...headers, "content-type": "application/xml" },
      payload: "<action>block</action>",
    });
    expect(text.statusCode).toBe(415);
    expect(errorCodeOf(text)).toBe("validation_failed");

    const huge = await t.app.inject({
      method: "POST",
      url,
      headers: { ...headers, "content-type": "application/json" },
      payload: JSON.stringify({ action: "block", reason: "x".repeat(2 * 1024 * 1024) }),
    });
    expect(huge.statusCode).toBe(413);
    expect(errorCodeOf(huge)).toBe("validation_failed");

    const noBody = await t.app.inject({ method: "POST", url, headers });
    expect(noBody.statusCode).toBe(400);
    expect(errorCodeOf(noBody)).toBe("validation_failed");
  });

  it("never answers 500 to malformed input", async () => {
    const url = `/api/hostings/${w.hosting.serviceName}/email`;
    const payloads: unknown[] = [
      null,
      [],
      "text",
      1,
      { reportRecipient: null },
      { reportRecipient: {} },
    ];
    for (const payload of payloads) {
      const res = await t.app.inject({
        method: "PUT",
        url,
        headers: {
          cookie: w.owner.cookie,
          "x-csrf-token": w.owner.csrfToken,
          "content-type": "application/json",
        },
        payload: JSON.stringify(payload),
      });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(errorCodeOf(res)).toBe("validation_failed");
    }
  });

  it("hides the details of unexpected errors behind 500 internal", async () => {
    const app = await buildApp({
      services: brokenServices(() => {
        throw new Error('relation "Hosting" does not exist: SELECT * FROM "Hosting"');
      }),
      config: { cookieSecure: false },
    });
    try {
      const res = await app.inject({
        method: "GET",
        url: "/api/hostings",
        headers: { authorization: "Bearer se_whatever", "accept-language": "pt" },
      });
      expect(res.statusCode).toBe(500);
      expect(res.json()).toEqual({
        error: { code: "internal", message: translate("pt", "error.internal") },
        requestId: expect.any(String),
      });
      expect(res.body).not.toMatch(/SELECT|Hosting|stack/);
    } finally {
      await app.close();
    }
  });

  it("tells anyone how mail is delivered, so that the panel can mark the capture mode", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/info" });
    expect(res.json()).toEqual({ deliveryMode: "relay" });
    const app = await buildApp({
      services: t.services,
      config: { cookieSecure: false, deliveryMode: "capture" },
    });
    try {
      expect((await app.inject({ method: "GET", url: "/api/info" })).json()).toEqual({
        deliveryMode: "capture",
      });
    } finally {
      await app.close();
    }
  });

  it("answers a DomainError('unavailable') with 503", async () => {
    const app = await buildApp({
      services: brokenServices(() => {
        throw new DomainError("unavailable");
      }),
      config: { cookieSecure: false },
    });
    try {
      const res = await app.inject({
        method: "GET",
        url: "/api/hostings",
        headers: { authorization: "Bearer se_whatever" },
      });
      expect(res.statusCode).toBe(503);
      expect(errorCodeOf(res)).toBe("unavailable");
    } finally {
      await app.close();
    }
  });
});

describe("serving the SPA", () => {
  let dir: string;
  let app: FastifyInstance;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "se-spa-"));
    await writeFile(path.join(dir, "index.html"), "<!doctype html><title>panel</title>");
    await writeFile(path.join(dir, "app.js"), "console.log('panel')");
    app = await buildApp({ services: t.services, config: { cookieSecure: false, staticDir: dir } });
  });
  afterAll(async () => {
    await app?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("serves files, falls back to index.html for client routes, keeps API 404s", async () => {
    const asset = await app.inject({ method: "GET", url: "/app.js" });
    expect(asset.statusCode).toBe(200);
    expect(asset.body).toContain("panel");

    for (const url of ["/", "/hostings/example.org/email"]) {
      const page = await app.inject({ method: "GET", url });
      expect(page.statusCode, url).toBe(200);
      expect(page.headers["content-type"]).toMatch(/text\/html/);
      expect(page.body).toContain("<title>panel</title>");
    }

    const api = await app.inject({ method: "GET", url: "/api/unknown" });
    expect(api.statusCode).toBe(404);
    expect(errorCodeOf(api)).toBe("not_found");

    const post = await app.inject({ method: "POST", url: "/somewhere" });
    expect(post.statusCode).toBe(404);

    const health = await app.inject({ method: "GET", url: "/health" });
    expect(health.json().status).toBe("ok");
  });

  it("sets no Secure flag on the cookie when configured for plain HTTP", async () => {
    const res = await app.inject({
      method: "POST",
      url: "/api/session",
      payload: { email: "w-owner@example.com", password: "correct horse battery" },
    });
    expect(res.statusCode).toBe(200);
    expect(res.cookies[0]).toMatchObject({ httpOnly: true, sameSite: "Lax" });
    expect(res.cookies[0]?.secure).toBeFalsy();
  });
});
