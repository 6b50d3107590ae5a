import { changePasswordRequest, loginRequest, me } from "@scripts-email/contracts";
import { DomainError } from "@scripts-email/domain";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { actorOf, clearSessionCookie, SESSION_COOKIE, setSessionCookie } from "../plugins/auth.ts";
import { SIGNED_IN } from "../plugins/openapi.ts";
import { errorResponses, type RouteOptions } from "./common.ts";

/** Signing in: the only API route that needs no user and no CSRF token. */
export const loginRoutes: FastifyPluginAsyncZod<RouteOptions> = async (
  app,
  { services, config },
) => {
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
      const actor = actorOf(request);
      return {
        id: actor.userId,
        email: actor.email,
        role: actor.role,
        locale: actor.locale,
        csrfToken: request.auth?.kind === "cookie" ? request.auth.session.csrfToken : null,
      };
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
