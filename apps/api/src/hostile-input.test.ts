import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, createTestApp, seedWorld, type TestApp, type World } from "./testing/fixtures.ts";

// Every endpoint fed missing, wrong-typed, oversize and unknown input, as support (who may reach
// everything): always a 4xx in the one error shape, never a 500, a stack trace or SQL.
let t: TestApp;
let w: World;

beforeAll(async () => {
  t = await createTestApp();
  w = await seedWorld(t);
});
afterAll(() => t?.close());

type Method = "GET" | "POST" | "PUT" | "DELETE";
interface Operation {
  method: Method;
  path: string;
  body: boolean;
  query: string[];
}

const HUGE = "x".repeat(100_000);
const LEAKS = /\bat [\w.<>]+ \(|node_modules|prisma|SELECT |INSERT |UPDATE "|\.ts:\d+/i;

/** The API's operations, read from its own OpenAPI document. */
async function operations(): Promise<Operation[]> {
  const doc = (await t.app.inject({ method: "GET", url: "/api/openapi.json" })).json();
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries<Record<string, Record<string, unknown>>>(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const params = (op.parameters ?? []) as Array<{ in: string; name: string }>;
      ops.push({
        method: method.toUpperCase() as Method,
        path,
        body: op.requestBody !== undefined,
        query: params.filter((p) => p.in === "query").map((p) => p.name),
      });
    }
  }
  return ops;
}

function concrete(path: string, serviceName = w.hosting.serviceName): string {
  return path
    .replace("{serviceName}", serviceName)
    .replace("{id}", "00000000-0000-7000-8000-000000000000");
}

function expectClean(res: LightMyRequestResponse, label: string) {
  expect(res.statusCode, `${label}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
  if (res.headers["content-type"]?.toString().includes("json") && res.statusCode >= 400) {
    const body = res.json();
    expect(body.error?.code, label).toEqual(expect.any(String));
    expect(body.requestId, label).toEqual(expect.any(String));
  }
  expect(res.body, label).not.toMatch(LEAKS);
}

describe("hostile API input", () => {
  it("reads a dozen operations from the OpenAPI document", async () => {
    expect((await operations()).length).toBeGreaterThanOrEqual(12);
  });

  it("answers every body-taking operation with 400 and field errors for bad bodies, never 500", async () => {
    const bodies: Array<[string, unknown]> = [
      ["an empty object", {}],
      [
        "wrong types",
        { email: 1, password: [], reportRecipient: 7, action: {}, to: true, name: 3 },
      ],
      [
        "oversize strings",
        {
          email: HUGE,
          password: HUGE,
          reportRecipient: HUGE,
          reason: HUGE,
          to: HUGE,
          name: HUGE,
          action: "block",
        },
      ],
      ["an array", [1, 2, 3]],
      ["a bare string", "hello"],
      ["null", null],
    ];
    for (const op of (await operations()).filter((o) => o.body)) {
      for (const [name, body] of bodies) {
        const res = await call(
          t.app,
          w.support,
          op.method,
          concrete(op.path),
          JSON.stringify(body),
          {
            "content-type": "application/json",
          },
        );
        const label = `${op.method} ${op.path} with ${name}`;
        expectClean(res, label);
        expect(res.statusCode, label).toBe(400);
        if (res.statusCode === 400 && typeof body === "object" && body && !Array.isArray(body)) {
          const { code, fields } = res.json().error;
          // where every field is optional (a reason, say), a body without them is valid: then the
          // domain's own rule answers, which for support is the reason it must give
          if (code === "reason_required" && !("reason" in body)) continue;
          expect(code, label).toBe("validation_failed");
          expect(fields?.length, label).toBeGreaterThan(0);
        }
      }
    }
  });

  it("refuses malformed JSON and unexpected content types cleanly", async () => {
    for (const op of (await operations()).filter((o) => o.body)) {
      for (const [type, payload] of [
        ["application/json", '{"email": "a@b.c",'],
        ["text/plain", "email=a@b.c"],
        ["application/x-www-form-urlencoded", "email=a%40b.c&password=x"],
      ]) {
        const res = await call(t.app, w.support, op.method, concrete(op.path), payload, {
          "content-type": type!,
        });
        expectClean(res, `${op.method} ${op.path} as ${type}`);
        expect(res.statusCode).toBeGreaterThanOrEqual(400);
      }
    }
  });

  it("answers bad query values with 400, never 500", async () => {
    for (const op of (await operations()).filter((o) => o.query.length > 0)) {
      for (const value of [
        "abc",
        "-1",
        "1e309",
        "0",
        "99999999999999999999",
        HUGE.slice(0, 5000),
      ]) {
        const query = op.query.map((q) => `${q}=${encodeURIComponent(value)}`).join("&");
        const res = await call(t.app, w.support, op.method, `${concrete(op.path)}?${query}`);
        expectClean(res, `${op.method} ${op.path}?${op.query.join(",")}=${value.slice(0, 20)}`);
      }
    }
  });

  it("answers odd path parameters with 400 or 404, never 500", async () => {
    const odd = [
      "..%2F..%2Fetc%2Fpasswd",
      "%00",
      "a".repeat(300),
      "UPPER.CASE",
      "%E2%80%AE.evil",
      "x'--",
    ];
    for (const op of (await operations()).filter((o) => o.path.includes("{serviceName}"))) {
      for (const name of odd) {
        const res = await call(
          t.app,
          w.support,
          op.method,
          concrete(op.path, name),
          op.body ? {} : undefined,
        );
        expectClean(res, `${op.method} ${op.path} as ${name.slice(0, 20)}`);
        expect([400, 404]).toContain(res.statusCode);
      }
    }
    const badId = await call(
      t.app,
      w.owner,
      "GET",
      `/api/hostings/${w.hosting.serviceName}/email/messages/not-a-uuid`,
    );
    expect(badId.statusCode).toBe(400);
  });

  it("refuses CR/LF in every field that could reach a mail header", async () => {
    const url = `/api/hostings/${w.hosting.serviceName}/email`;
    const cases: Array<[Method, string, object, string]> = [
      [
        "PUT",
        url,
        { reportRecipient: "a@example.org\r\nBcc: victim@example.net" },
        "reportRecipient",
      ],
      ["POST", `${url}/test`, { to: "a@example.org\nBcc: victim@example.net" }, "to"],
      ["POST", `${url}/requests`, { action: "block", reason: "spam\r\nX-Injected: yes" }, "reason"],
    ];
    for (const [method, path, body, field] of cases) {
      const res = await call(t.app, w.support, method, path, body);
      expect(res.statusCode, field).toBe(400);
      expect(res.json().error.fields.map((f: { path: string }) => f.path)).toContain(field);
    }
    expect(await t.db.prisma.message.count({ where: { hostingId: w.hosting.id } })).toBe(0);
  });
});
