import { Counter, Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../testing/fixtures.ts";
import { buildMetricsApp } from "./metrics.ts";

const TOKEN = "scrape-me-0123456789abcdef";

let plain: TestApp;
let guarded: TestApp;

beforeAll(async () => {
  plain = await createTestApp();
  guarded = await createTestApp({ config: { metricsToken: TOKEN } });
});
afterAll(async () => {
  await plain?.close();
  await guarded?.close();
});

describe("/metrics on the API's listener", () => {
  it("is not served without METRICS_TOKEN: 404, with or without a credential", async () => {
    for (const headers of [{}, { authorization: `Bearer ${TOKEN}` }]) {
      const res = await plain.app.inject({ method: "GET", url: "/metrics", headers });
      expect(res.statusCode).toBe(404);
      expect(res.body).not.toContain("http_requests_total");
    }
  });

  it("with METRICS_TOKEN, answers 401 without the right bearer token and 200 with it", async () => {
    for (const authorization of [
      undefined,
      "Bearer",
      "Bearer wrong",
      `Bearer ${TOKEN}x`,
      `Basic ${Buffer.from(`x:${TOKEN}`).toString("base64")}`,
    ]) {
      const res = await guarded.app.inject({
        method: "GET",
        url: "/metrics",
        headers: authorization ? { authorization } : {},
      });
      expect(res.statusCode, String(authorization)).toBe(401);
      expect(res.headers["www-authenticate"]).toMatch(/^Bearer/);
      expect(res.body).not.toContain("http_requests_total");
    }
    const ok = await guarded.app.inject({
      method: "GET",
      url: "/metrics",
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain("# TYPE http_requests_total counter");
    expect(ok.body).toContain("process_cpu_user_seconds_total");
  });

  it("a user's API token is not a metrics credential", async () => {
    const user = await guarded.services.users.create({
      email: "m@example.com",
      password: "correct horse battery",
      role: "support",
    });
    const { token } = await guarded.services.auth.createApiToken(
      { kind: "user", userId: user.id, email: user.email, role: user.role, locale: user.locale },
      "ci",
    );
    const res = await guarded.app.inject({
      method: "GET",
      url: "/metrics",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode).toBe(401);
  });
});

describe("the metrics listener (METRICS_PORT)", () => {
  it("serves the process's registry and nothing else; asks for the token when one is set", async () => {
    const registry = new Registry();
    new Counter({ name: "probe_total", help: "probe", registers: [registry] }).inc(3);
    const open = buildMetricsApp({ registry });
    const closed = buildMetricsApp({ registry, token: TOKEN });
    try {
      const res = await open.inject({ method: "GET", url: "/metrics" });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain("probe_total 3");
      expect((await open.inject({ method: "GET", url: "/api/me" })).statusCode).toBe(404);
      expect((await closed.inject({ method: "GET", url: "/metrics" })).statusCode).toBe(401);
      const ok = await closed.inject({
        method: "GET",
        url: "/metrics",
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(ok.statusCode).toBe(200);
    } finally {
      await open.close();
      await closed.close();
    }
  });
});
