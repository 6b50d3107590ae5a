import { accountSessionList, accountSessionParams } from "@scripts-email/contracts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { actorOf, clearSessionCookie } from "../plugins/auth.ts";
import { SIGNED_IN } from "../plugins/openapi.ts";
import { errorResponses, type RouteOptions } from "./common.ts";

/** The signed-in user's own sessions: seen and ended one by one. */
export const accountSessionRoutes: FastifyPluginAsyncZod<RouteOptions> = async (
  app,
  { services, config },
) => {
  app.get(
    "/account/sessions",
    {
      schema: {
        tags: ["session"],
        summary: "Your signed-in sessions, newest first; `current` marks the one asking",
        description:
          "Each session has when it began and until when it lasts (pushed forward while it is " +
          "used). The client's address and browser are not stored.",
        security: SIGNED_IN,
        response: { 200: accountSessionList, ...errorResponses },
      },
    },
    async (request) =>
      services.account.listSessions(
        actorOf(request),
        request.auth?.kind === "cookie" ? request.auth.session.sessionId : null,
      ),
  );

  app.delete(
    "/account/sessions/:id",
    {
      schema: {
        tags: ["session"],
        summary: "End one of your sessions; it is signed out at once",
        description:
          "Ending the current session signs this browser out too. Another user's session is 404.",
        security: SIGNED_IN,
        params: accountSessionParams,
        response: { 204: z.undefined(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await services.account.endSession(actorOf(request), request.params.id);
      if (request.auth?.kind === "cookie" && request.auth.session.sessionId === request.params.id) {
        clearSessionCookie(reply, config);
      }
      return reply.code(204).send();
    },
  );
};
