import {
  changeSenderDomains,
  hostingList,
  hostingListQuery,
  senderDomains,
  serviceNameParams,
} from "@scripts-email/contracts";
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
        summary: "A customer's own hostings; support's fleet view of all hostings",
        description:
          "`q` matches the service name or the owner's e-mail address; `state` and `cause` " +
          "filter; `sort` orders by a counter of the `window` (largest first) or by the last " +
          "change of state (latest first), else by service name. Counters come from an hourly " +
          "rollup, so a window is to the hour: `1h` is the current hour plus the previous one, " +
          "`24h` the current hour plus the previous 24. Paged by `limit` and `offset`; `total` " +
          "counts every match. A customer gets the same shape for their own hostings only.",
        security: SIGNED_IN,
        querystring: hostingListQuery,
        response: { 200: hostingList, ...errorResponses },
      },
    },
    async (request) => services.hostings.list(actorOf(request), request.query),
  );

  app.get(
    "/hostings/:serviceName/sender-domains",
    {
      schema: {
        tags: ["hostings"],
        summary: "The domains the hosting may send from besides its service name",
        description:
          "`MAIL FROM` and the `From:` header must use the service name, one of these domains, " +
          "or a subdomain of either; other senders are refused with `553 5.7.1`.",
        security: SIGNED_IN,
        params: serviceNameParams,
        response: { 200: senderDomains, ...errorResponses },
      },
    },
    async (request) =>
      services.hostings.senderDomains(actorOf(request), request.params.serviceName),
  );

  app.post(
    "/hostings/:serviceName/sender-domains",
    {
      schema: {
        tags: ["hostings"],
        summary: "Add or remove sender domains (support only, with a reason)",
        description:
          "Domains are stored lower-case in ASCII (IDNA); wildcards and IP addresses are " +
          "refused. Customers get 403 on their own hostings. Every change is audited and " +
          "applies to new SMTP logins within seconds.",
        security: SIGNED_IN,
        params: serviceNameParams,
        body: changeSenderDomains,
        response: { 200: senderDomains, ...errorResponses },
      },
    },
    async (request) =>
      services.hostings.changeSenderDomains(
        actorOf(request),
        request.params.serviceName,
        request.body,
      ),
  );
};
