import { createdToken, createTokenRequest } from "@scripts-email/contracts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { actorOf } from "../plugins/auth.ts";
import { SIGNED_IN } from "../plugins/openapi.ts";
import { errorResponses, type RouteOptions } from "./common.ts";

export const tokenRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { services }) => {
  app.post(
    "/tokens",
    {
      schema: {
        tags: ["session"],
        summary: "Create a personal API token; it is shown only in this answer",
        security: SIGNED_IN,
        body: createTokenRequest,
        response: { 201: createdToken, ...errorResponses },
      },
    },
    async (request, reply) => {
      const token = await services.auth.createApiToken(actorOf(request), request.body.name);
      return reply.code(201).send(token);
    },
  );
};
