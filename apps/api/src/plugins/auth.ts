import { timingSafeEqual } from "node:crypto";
import fastifyCookie from "@fastify/cookie";
import { DomainError, type Services, type UserRecord } from "@scripts-email/domain";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ApiConfig, RequestAuth } from "../types.ts";

export const SESSION_COOKIE = "se_session";
export const CSRF_HEADER = "x-csrf-token";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function userActor(user: UserRecord): RequestAuth["actor"] {
  return { kind: "user", userId: user.id, email: user.email, role: user.role, locale: user.locale };
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function cookieOptions(config: ApiConfig) {
  return {
    httpOnly: true,
    sameSite: "lax" as const,
    path: "/",
    secure: config.cookieSecure,
  };
}

export function setSessionCookie(reply: FastifyReply, config: ApiConfig, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, cookieOptions(config));
}

export function clearSessionCookie(reply: FastifyReply, config: ApiConfig): void {
  reply.clearCookie(SESSION_COOKIE, cookieOptions(config));
}

/** The signed-in actor of a request that went through `authenticate`. */
export function actorOf(request: FastifyRequest): RequestAuth["actor"] {
  if (!request.auth) throw new DomainError("unauthenticated");
  return request.auth.actor;
}

/** Who is asking: a bearer token wins over the cookie; neither gives null. */
export async function resolveAuth(
  services: Services,
  request: FastifyRequest,
): Promise<RequestAuth | null> {
  // other schemes (say, Basic auth added by a proxy in front of a staging panel) are not ours
  const bearer = /^Bearer\s+(\S*)\s*$/i.exec(request.headers.authorization ?? "");
  if (bearer) {
    const user = bearer[1] ? await services.auth.authenticateToken(bearer[1]) : null;
    return user ? { kind: "bearer", actor: userActor(user) } : null;
  }
  const token = request.cookies[SESSION_COOKIE];
  if (!token) return null;
  const session = await services.auth.authenticateSession(token);
  return session ? { kind: "cookie", actor: userActor(session.user), session, token } : null;
}

export async function registerAuth(app: FastifyInstance): Promise<void> {
  await app.register(fastifyCookie);
  app.decorateRequest("auth", null);
}

/**
 * onRequest hook for every route that needs a signed-in user. Runs before the body is read, so
 * an anonymous or forged request learns nothing from validation. Cookie-authenticated mutations
 * must echo the session's CSRF token; a bearer token cannot be sent by another site, so those
 * are exempt.
 */
export function authenticate(services: Services) {
  return async (request: FastifyRequest): Promise<void> => {
    const auth = await resolveAuth(services, request);
    if (!auth) throw new DomainError("unauthenticated");
    request.auth = auth;
    if (auth.kind === "cookie" && !SAFE_METHODS.has(request.method)) {
      const given = request.headers[CSRF_HEADER];
      if (typeof given !== "string" || !sameToken(given, auth.session.csrfToken)) {
        throw new DomainError("csrf_failed");
      }
    }
  };
}
