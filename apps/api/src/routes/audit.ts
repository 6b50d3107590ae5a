import { auditList, auditQuery } from "@scripts-email/contracts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { actorOf } from "../plugins/auth.ts";
import { SIGNED_IN } from "../plugins/openapi.ts";
import { errorResponses, type RouteOptions } from "./common.ts";

export const auditRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { services }) => {
  app.get(
    "/audit",
    {
      schema: {
        tags: ["support"],
        summary: "Support only: who did what, when and why, newest first",
        security: SIGNED_IN,
        querystring: auditQuery,
        response: { 200: auditList, ...errorResponses },
      },
    },
    async (request) => services.audit.list(actorOf(request), request.query),
  );
};
