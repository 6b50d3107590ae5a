import { emailStatus, me } from "@scripts-email/contracts";
import { afterEach, describe, expect, it } from "vitest";
import { emailStatus as statusFixture } from "../testing/fixtures.ts";
import { errorResponse, mockFetch } from "../testing/mock-fetch.ts";
import { ApiError, api, buildUrl, setCsrfToken } from "./api-client.ts";

afterEach(() => setCsrfToken(null));

describe("api client", () => {
  it("parses the error body into a typed ApiError", async () => {
    mockFetch({
      "POST /api/hostings/example.org/email/requests": errorResponse(
        409,
        "invalid_transition",
        "Held mail can only be purged while sending is blocked; the hosting is active.",
      ),
    });
    const error = await api
      .post("/api/hostings/example.org/email/requests", emailStatus, { action: "purge" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 409,
      code: "invalid_transition",
      message: "Held mail can only be purged while sending is blocked; the hosting is active.",
      requestId: "req-1",
      fields: [],
    });
  });

  it("keeps field errors and Retry-After", async () => {
    mockFetch({
      "PUT /api/hostings/example.org/email": errorResponse(400, "validation_failed", "Bad.", [
        { path: "reportRecipient", message: "must be a valid e-mail address" },
      ]),
      "POST /api/session": {
        ...errorResponse(429, "too_many_attempts", "Too many attempts."),
        headers: { "retry-after": "600" },
      },
    });
    const invalid = (await api
      .put("/api/hostings/example.org/email", emailStatus, { reportRecipient: "x" })
      .catch((e: unknown) => e)) as ApiError;
    expect(invalid.code).toBe("validation_failed");
    expect(invalid.fieldError("reportRecipient")?.message).toBe("must be a valid e-mail address");

    const limited = (await api.post("/api/session", me, {}).catch((e: unknown) => e)) as ApiError;
    expect(limited.code).toBe("too_many_attempts");
    expect(limited.retryAfterSeconds).toBe(600);
  });

  it("turns a body that is not the error shape into a generic error", async () => {
    const { fn } = mockFetch({});
    fn.mockResolvedValueOnce(new Response("<html>Bad gateway</html>", { status: 502 }));
    const error = (await api.get("/api/me", me).catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 502, code: "internal" });

    fn.mockRejectedValueOnce(new TypeError("Failed to fetch"));
    const offline = (await api.get("/api/me", me).catch((e: unknown) => e)) as ApiError;
    expect(offline.code).toBe("network");
  });

  it("sends the CSRF token on mutations only, with same-origin credentials", async () => {
    const { fn, calls } = mockFetch({
      "GET /api/hostings/example.org/email": { body: statusFixture() },
      "POST /api/hostings/example.org/email/requests": {
        status: 202,
        body: statusFixture({ state: "blocked", blockedBy: "customer" }),
      },
      "DELETE /api/session": { status: 204 },
    });
    setCsrfToken("token-123");

    await api.get("/api/hostings/example.org/email", emailStatus);
    const blocked = await api.post("/api/hostings/example.org/email/requests", emailStatus, {
      action: "block",
    });
    await api.delete("/api/session", null);

    expect(blocked.state).toBe("blocked");
    expect(calls[0]?.headers["x-csrf-token"]).toBeUndefined();
    expect(calls[1]?.headers["x-csrf-token"]).toBe("token-123");
    expect(calls[1]?.headers["content-type"]).toBe("application/json");
    expect(calls[1]?.body).toEqual({ action: "block" });
    expect(calls[2]?.headers["x-csrf-token"]).toBe("token-123");
    for (const [, init] of fn.mock.calls) expect(init?.credentials).toBe("same-origin");
  });

  it("refuses an answer that does not match the contract", async () => {
    mockFetch({ "GET /api/hostings/example.org/email": { body: { state: "sleeping" } } });
    const error = (await api
      .get("/api/hostings/example.org/email", emailStatus)
      .catch((e: unknown) => e)) as ApiError;
    expect(error.code).toBe("bad_response");
  });

  it("builds query strings without empty values", () => {
    expect(buildUrl("/api/x", { status: "held", cursor: undefined, q: "", limit: 20 })).toBe(
      "/api/x?status=held&limit=20",
    );
  });
});
