import { fleetSummary } from "@scripts-email/contracts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { actorOf } from "../plugins/auth.ts";
import { SIGNED_IN } from "../plugins/openapi.ts";
import { errorResponses, type RouteOptions } from "./common.ts";

export const fleetRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { services }) => {
  app.get(
    "/fleet/summary",
    {
      schema: {
        tags: ["support"],
        summary: "Support only: the fleet at a glance (customers get 404)",
        description:
          "Hostings by state and blocked hostings by cause; mail accepted, sent, failed, held, " +
          "flagged as spam and refused in the last hour and day (from the hourly rollup, so to " +
          "the hour: the current hour plus the previous 1 or 24); the queue (queued and held " +
          "mail, when the oldest message waiting for the relay was accepted); and the relay's " +
          "and the spam scanner's health as the delivery workers recorded it (last success, " +
          "last failure and its error, successes and failures in the last hour).",
        security: SIGNED_IN,
        response: { 200: fleetSummary, ...errorResponses },
      },
    },
    async (request) => services.fleet.summary(actorOf(request)),
  );
};
