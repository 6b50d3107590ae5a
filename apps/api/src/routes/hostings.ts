import { hostingList, hostingListQuery } from "@scripts-email/contracts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { actorOf } from "../plugins/auth.ts";
import { SIGNED_IN } from "../plugins/openapi.ts";
import { errorResponses, type RouteOptions } from "./common.ts";

export const hostingRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { services }) => {
  app.get(
    "/hostings",
    {
      schema: {
        tags: ["hostings"],
        summary: "A customer's own hostings; support sees all and may search",
        description: "`q` matches the service name or the owner's e-mail address (support only).",
        security: SIGNED_IN,
        querystring: hostingListQuery,
        response: { 200: hostingList, ...errorResponses },
      },
    },
    async (request) => services.hostings.list(actorOf(request), request.query.q || undefined),
  );
};
