import { hostingAuditList, hostingAuditQuery, serviceNameParams } from "@scripts-email/contracts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { actorOf } from "../plugins/auth.ts";
import { SIGNED_IN } from "../plugins/openapi.ts";
import { errorResponses, type RouteOptions } from "./common.ts";

export const hostingAuditRoutes: FastifyPluginAsyncZod<RouteOptions> = async (
  app,
  { services },
) => {
  app.get(
    "/hostings/:serviceName/audit",
    {
      schema: {
        tags: ["hostings"],
        summary: "The hosting's activity log: who changed what, when and why, newest first",
        description:
          "The owner's and support's changes and support's reads of the hosting's mail. A " +
          "customer sees their own hostings' logs only (others are 404), and support's entries " +
          "without the agent's address (`actorRole` support, `actorEmail` null).",
        security: SIGNED_IN,
        params: serviceNameParams,
        querystring: hostingAuditQuery,
        response: { 200: hostingAuditList, ...errorResponses },
      },
    },
    async (request) =>
      services.audit.listForHosting(
        actorOf(request),
        request.params.serviceName,
        request.query.limit,
      ),
  );
};
