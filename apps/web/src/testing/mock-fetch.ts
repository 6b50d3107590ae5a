import { afterEach, vi } from "vitest";

export interface MockResponse {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RecordedCall {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

type Handler = MockResponse | ((call: RecordedCall) => MockResponse);

/**
 * Replaces `fetch`, the browser boundary: routes are "METHOD /path" (query string ignored);
 * anything else answers 404 in the API's error shape.
 */
export function mockFetch(routes: Record<string, Handler>) {
  const calls: RecordedCall[] = [];
  const fn = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = String(input);
    const method = (init.method ?? "GET").toUpperCase();
    const headers = Object.fromEntries(
      Object.entries((init.headers ?? {}) as Record<string, string>).map(([k, v]) => [
        k.toLowerCase(),
        v,
      ]),
    );
    const call: RecordedCall = {
      method,
      url,
      headers,
      body: typeof init.body === "string" ? JSON.parse(init.body) : undefined,
    };
    calls.push(call);
    const path = new URL(url, "http://localhost").pathname;
    const handler = routes[`${method} ${path}`];
    const answer: MockResponse = handler
      ? typeof handler === "function"
        ? handler(call)
        : handler
      : {
          status: 404,
          body: { error: { code: "not_found", message: "Not found." }, requestId: "req-test" },
        };
    const status = answer.status ?? 200;
    return new Response(
      answer.body === undefined || status === 204 ? null : JSON.stringify(answer.body),
      { status, headers: { "content-type": "application/json", ...answer.headers } },
    );
  });
  vi.stubGlobal("fetch", fn);
  return { fn, calls };
}

export function errorResponse(
  status: number,
  code: string,
  message: string,
  fields?: { path: string; message: string }[],
): MockResponse {
  return {
    status,
    body: { error: { code, message, ...(fields ? { fields } : {}) }, requestId: "req-1" },
  };
}

afterEach(() => {
  vi.unstubAllGlobals();
});
