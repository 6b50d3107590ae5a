import {
  serviceNameParams,
  suppressionListQuery,
  suppressionPage,
  suppressionParams,
  suppressionRemoveRequest,
} from "@scripts-email/contracts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { actorOf } from "../plugins/auth.ts";
import { SIGNED_IN } from "../plugins/openapi.ts";
import { errorResponses, type RouteOptions } from "./common.ts";

const base = "/hostings/:serviceName/email/suppressions";

export const suppressionRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { services }) => {
  app.get(
    base,
    {
      schema: {
        tags: ["hostings"],
        summary: "The hosting's suppression list: recipients refused after a permanent failure",
        description:
          "Recipients whose mail failed for good with a 5.1.x reply (no such mailbox, bad " +
          "address) are added for SUPPRESSION_DAYS; new mail to them is refused at RCPT TO with " +
          "550 5.1.1 naming the list. Entries in force, by address; `q` keeps those containing " +
          "it (case-insensitive); `nextCursor` gives the next page (read through the primary " +
          "key (hostingId, address)).",
        security: SIGNED_IN,
        params: serviceNameParams,
        querystring: suppressionListQuery,
        response: { 200: suppressionPage, ...errorResponses },
      },
    },
    async (request) =>
      services.suppressions.list(actorOf(request), request.params.serviceName, request.query),
  );

  app.delete(
    `${base}/:address`,
    {
      schema: {
        tags: ["hostings"],
        summary: "Remove an address from the suppression list: mail to it is accepted again",
        description:
          "Support must give a `reason`; every removal is audited (`email.suppression_remove`). " +
          "An address not on the list answers 404.",
        security: SIGNED_IN,
        params: suppressionParams,
        body: suppressionRemoveRequest.optional(),
        response: { 204: z.undefined(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await services.suppressions.remove(
        actorOf(request),
        request.params.serviceName,
        request.params.address,
        request.body?.reason,
      );
      return reply.code(204).send();
    },
  );
};
