import {
  changePasswordRequest,
  loginRequest,
  type Me,
  me,
  sessionState,
} from "@scripts-email/contracts";
import { DomainError } from "@scripts-email/domain";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  actorOf,
  clearSessionCookie,
  resolveAuth,
  SESSION_COOKIE,
  setSessionCookie,
} from "../plugins/auth.ts";
import { SIGNED_IN } from "../plugins/openapi.ts";
import type { RequestAuth } from "../types.ts";
import { errorResponses, type RouteOptions } from "./common.ts";

/** The signed-in user as the panel knows it; the CSRF token only for a cookie session. */
function meOf(auth: RequestAuth): Me {
  const { actor } = auth;
  return {
    id: actor.userId,
    email: actor.email,
    role: actor.role,
    locale: actor.locale,
    csrfToken: auth.kind === "cookie" ? auth.session.csrfToken : null,
  };
}

/** Signing in, and asking whether one is: the API routes that need no user and no CSRF token. */
export const loginRoutes: FastifyPluginAsyncZod<RouteOptions> = async (
  app,
  { services, config },
) => {
  app.get(
    "/session",
    {
      schema: {
        tags: ["session"],
        summary:
          "Who is signed in: the user, or null when nobody is (a 200 either way, so that a signed-out page load logs no error; GET /api/me answers 401 instead)",
        security: [],
        response: { 200: sessionState, ...errorResponses },
      },
    },
    async (request) => {
      const auth = await resolveAuth(services, request);
      return { user: auth ? meOf(auth) : null };
    },
  );

  app.post(
    "/session",
    {
      schema: {
        tags: ["session"],
        summary: "Sign in; sets the session cookie and returns the CSRF token",
        security: [],
        body: loginRequest,
        response: { 200: me, ...errorResponses },
      },
    },
    async (request, reply) => {
      // request.ip is the peer, or the client named by a proxy the operator trusts (TRUST_PROXY)
      const session = await services.auth.login(
        request.body.email,
        request.body.password,
        request.ip,
      );
      // a session the browser already had ends here: the new one never reuses a known token
      const previous = request.cookies[SESSION_COOKIE];
      if (previous) await services.auth.logout(previous);
      setSessionCookie(reply, config, session.sessionToken);
      const { user } = session;
      return {
        id: user.id,
        email: user.email,
        role: user.role,
        locale: user.locale,
        csrfToken: session.csrfToken,
      };
    },
  );
};

export const sessionRoutes: FastifyPluginAsyncZod<RouteOptions> = async (
  app,
  { services, config },
) => {
  app.delete(
    "/session",
    {
      schema: {
        tags: ["session"],
        summary: "Sign out: ends the session and clears the cookie",
        security: SIGNED_IN,
        response: { 204: z.undefined(), ...errorResponses },
      },
    },
    async (request, reply) => {
      if (request.auth?.kind === "cookie") await services.auth.logout(request.auth.token);
      clearSessionCookie(reply, config);
      return reply.code(204).send();
    },
  );

  app.get(
    "/me",
    {
      schema: {
        tags: ["session"],
        summary: "The signed-in user",
        security: SIGNED_IN,
        response: { 200: me, ...errorResponses },
      },
    },
    async (request) => {
      if (!request.auth) throw new DomainError("unauthenticated");
      return meOf(request.auth);
    },
  );

  app.put(
    "/me/password",
    {
      schema: {
        tags: ["session"],
        summary:
          "Change your password (the current one is required); ends your other sessions and revokes all your API tokens. Needs a signed-in session",
        security: [{ cookieAuth: [] }],
        body: changePasswordRequest,
        response: { 204: z.undefined(), ...errorResponses },
      },
    },
    async (request, reply) => {
      // a leaked API token must not be enough to take the account over
      if (request.auth?.kind !== "cookie") throw new DomainError("forbidden");
      await services.account.changePassword(actorOf(request), {
        currentPassword: request.body.currentPassword,
        newPassword: request.body.newPassword,
        keepSessionId: request.auth.session.sessionId,
        clientAddress: request.ip,
      });
      return reply.code(204).send();
    },
  );
};
