import { heldGroupList, heldGroupsQuery, serviceNameParams } from "@scripts-email/contracts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { actorOf } from "../plugins/auth.ts";
import { SIGNED_IN } from "../plugins/openapi.ts";
import { errorResponses, type RouteOptions } from "./common.ts";

export const heldGroupRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { services }) => {
  app.get(
    "/hostings/:serviceName/email/held/groups",
    {
      schema: {
        tags: ["messages"],
        summary: "A hosting's held mail grouped by script, subject or recipient domain",
        description:
          "Held mail, spam included (`spam` counts it per group), grouped `by` the script that " +
          "sent it, its subject, or its recipients' domains (a message to two domains counts in " +
          "both). Largest groups first, at most 100. Act on a group with " +
          "`POST …/email/selection`.",
        security: SIGNED_IN,
        params: serviceNameParams,
        querystring: heldGroupsQuery,
        response: { 200: heldGroupList, ...errorResponses },
      },
    },
    async (request) =>
      services.heldGroups.list(actorOf(request), request.params.serviceName, request.query),
  );
};
