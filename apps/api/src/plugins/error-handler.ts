import type { ErrorBody, ErrorCode } from "@scripts-email/contracts";
import { DomainError } from "@scripts-email/domain";
import { hasMessage, type Locale, negotiateLocale, t } from "@scripts-email/i18n";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";

/** The one table from error codes to HTTP statuses. */
export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  validation_failed: 400,
  reason_required: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  forbidden: 403,
  csrf_failed: 403,
  // a refused unblock is a conflict with the hosting's state: what to do first is in the message
  blocked_by_support: 409,
  not_found: 404,
  invalid_transition: 409,
  already_exists: 409,
  spam_not_purged: 409,
  spam_release_forbidden: 403,
  too_many_attempts: 429,
  daily_limit_reached: 429,
  recipient_suppressed: 409,
  internal: 500,
  unavailable: 503,
};

/**
 * The language the client asks for (the panel sends the one chosen with its language switch),
 * else the signed-in user's, else English.
 */
export function requestLocale(request: FastifyRequest): Locale {
  const fallback = request.auth?.actor.locale ?? "en";
  return negotiateLocale(request.headers["accept-language"], fallback);
}

/** Translates an error code (or a more specific message key) with its placeholders. */
export function translateError(
  locale: Locale,
  code: ErrorCode,
  params: Record<string, string | number> = {},
  messageKey?: string,
): string {
  const filled: Record<string, string | number> = { ...params };
  for (const [name, value] of Object.entries(params)) {
    const stateKey = `state.${value}`;
    if (name === "state" && hasMessage(stateKey)) filled[name] = t(locale, stateKey);
  }
  const key = messageKey && hasMessage(messageKey) ? messageKey : `error.${code}`;
  return hasMessage(key) ? t(locale, key, filled) : t(locale, "error.internal");
}

export function errorBody(
  request: FastifyRequest,
  code: ErrorCode,
  options: {
    params?: Record<string, string | number>;
    messageKey?: string;
    fields?: { path: string; message: string }[];
  } = {},
): ErrorBody {
  const message = translateError(requestLocale(request), code, options.params, options.messageKey);
  return {
    error: { code, message, ...(options.fields ? { fields: options.fields } : {}) },
    requestId: request.id,
  };
}

export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  code: ErrorCode,
  options: Parameters<typeof errorBody>[2] & { status?: number } = {},
): FastifyReply {
  return reply.code(options.status ?? STATUS_BY_CODE[code]).send(errorBody(request, code, options));
}

function fieldPath(context: string | undefined, instancePath: string): string {
  const path = instancePath.split("/").filter(Boolean).join(".");
  return path || context || "";
}

/** Framework errors that are the client's fault (bad JSON, wrong media type, too large…). */
function clientErrorCode(status: number): ErrorCode {
  if (status === 401) return "unauthenticated";
  if (status === 403) return "forbidden";
  if (status === 404) return "not_found";
  if (status === 429) return "too_many_attempts";
  return "validation_failed";
}

/** Answers a request no route matched; returns the reply when it did, null to fall through. */
export type NotFoundFallback = (
  request: FastifyRequest,
  reply: FastifyReply,
) => FastifyReply | null;

export function registerErrorHandler(
  app: FastifyInstance,
  options: { notFoundFallback?: NotFoundFallback } = {},
): void {
  app.setErrorHandler((error: FastifyError | DomainError | Error, request, reply) => {
    if (error instanceof DomainError) {
      if (error.code === "too_many_attempts") {
        // the exact wait in seconds when the domain gives it, else its whole minutes
        const seconds = Number(error.params.seconds ?? Number(error.params.minutes) * 60);
        reply.header("retry-after", String(Number.isFinite(seconds) ? seconds : 60));
      }
      if (STATUS_BY_CODE[error.code] >= 500) request.log.error({ err: error }, "domain error");
      const field = error.params.field;
      return sendError(request, reply, error.code, {
        params: error.params,
        ...(error.messageKey ? { messageKey: error.messageKey } : {}),
        // the domain names the one field it refused; say so the way request validation does
        ...(error.code === "validation_failed" && typeof field === "string"
          ? { fields: [{ path: field, message: "invalid" }] }
          : {}),
      });
    }

    if (hasZodFastifySchemaValidationErrors(error)) {
      const context = (error as FastifyError).validationContext;
      return sendError(request, reply, "validation_failed", {
        fields: error.validation.map((issue) => ({
          path: fieldPath(context, issue.instancePath),
          message: issue.message ?? "invalid",
        })),
      });
    }

    const status = (error as FastifyError).statusCode;
    if (typeof status === "number" && status >= 400 && status < 500) {
      return sendError(request, reply, clientErrorCode(status), { status });
    }

    // Anything else is our fault: log it whole, answer without details.
    request.log.error({ err: error }, "unhandled error");
    return sendError(request, reply, "internal");
  });

  app.setNotFoundHandler(
    (request, reply) =>
      options.notFoundFallback?.(request, reply) ?? sendError(request, reply, "not_found"),
  );
}
