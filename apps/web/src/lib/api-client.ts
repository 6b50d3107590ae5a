import { type ErrorCode, errorBody } from "@scripts-email/contracts";
import type { z } from "zod";

export interface FieldError {
  path: string;
  message: string;
}

/** A failed API call: the server's error body, or a stand-in when there was none. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode | "network" | "bad_response";
  readonly fields: FieldError[];
  readonly requestId: string | null;
  /** From `Retry-After`, for 429 answers. */
  readonly retryAfterSeconds: number | null;

  constructor(init: {
    status: number;
    code: ApiError["code"];
    message: string;
    fields?: FieldError[];
    requestId?: string | null;
    retryAfterSeconds?: number | null;
  }) {
    super(init.message);
    this.name = "ApiError";
    this.status = init.status;
    this.code = init.code;
    this.fields = init.fields ?? [];
    this.requestId = init.requestId ?? null;
    this.retryAfterSeconds = init.retryAfterSeconds ?? null;
  }

  fieldError(path: string): FieldError | undefined {
    return this.fields.find((f) => f.path === path);
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

// The session's CSRF token and the chosen language live outside React: every fetcher needs them.
let csrfToken: string | null = null;
let acceptLanguage: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function setApiLanguage(language: string | null): void {
  acceptLanguage = language;
}

type Query = Record<string, string | number | undefined | null>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
}

const SAFE_METHODS = new Set(["GET", "HEAD"]);

export function buildUrl(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== "") params.set(name, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

function retryAfter(response: Response): number | null {
  const value = response.headers.get("retry-after");
  if (!value) return null;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}

async function toApiError(response: Response): Promise<ApiError> {
  let json: unknown = null;
  try {
    json = await response.json();
  } catch {
    // not JSON (a proxy's error page, an empty body): keep the status only
  }
  const parsed = errorBody.safeParse(json);
  if (parsed.success) {
    return new ApiError({
      status: response.status,
      code: parsed.data.error.code,
      message: parsed.data.error.message,
      fields: parsed.data.error.fields ?? [],
      requestId: parsed.data.requestId,
      retryAfterSeconds: retryAfter(response),
    });
  }
  return new ApiError({
    status: response.status,
    code: response.status >= 500 ? "internal" : "bad_response",
    message: `HTTP ${response.status}`,
    retryAfterSeconds: retryAfter(response),
  });
}

/**
 * Calls the API and validates the answer with the contract's schema. Pass `null` as schema for
 * answers without a body (204).
 */
export async function apiRequest<S extends z.ZodType>(
  method: string,
  path: string,
  schema: S | null,
  options: RequestOptions = {},
): Promise<z.output<S>> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (!SAFE_METHODS.has(method) && csrfToken) headers["x-csrf-token"] = csrfToken;
  if (acceptLanguage) headers["accept-language"] = acceptLanguage;

  let response: Response;
  try {
    response = await fetch(buildUrl(path, options.query), {
      method,
      headers,
      credentials: "same-origin",
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError({ status: 0, code: "network", message: String(error) });
  }

  if (!response.ok) throw await toApiError(response);
  if (schema === null || response.status === 204) return undefined as z.output<S>;

  let json: unknown;
  try {
    json = await response.json();
  } catch {
    throw new ApiError({ status: response.status, code: "bad_response", message: "not JSON" });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new ApiError({
      status: response.status,
      code: "bad_response",
      message: `unexpected answer from ${method} ${path}: ${parsed.error.message}`,
    });
  }
  return parsed.data;
}

export const api = {
  get: <S extends z.ZodType>(path: string, schema: S, options?: RequestOptions) =>
    apiRequest("GET", path, schema, options),
  post: <S extends z.ZodType>(path: string, schema: S | null, body?: unknown) =>
    apiRequest("POST", path, schema, { body }),
  put: <S extends z.ZodType>(path: string, schema: S | null, body?: unknown) =>
    apiRequest("PUT", path, schema, { body }),
  delete: <S extends z.ZodType>(path: string, schema: S | null) =>
    apiRequest("DELETE", path, schema),
};

/** Path of a hosting's resources; the service name is escaped once here. */
export function hostingPath(serviceName: string, rest = ""): string {
  return `/api/hostings/${encodeURIComponent(serviceName)}${rest}`;
}
