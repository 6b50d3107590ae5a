import { health } from "@scripts-email/contracts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { RouteOptions } from "./common.ts";

/** Liveness and database reachability, for load balancers and orchestrators. */
export const healthRoutes: FastifyPluginAsyncZod<Pick<RouteOptions, "services">> = async (
  app,
  { services },
) => {
  app.get(
    "/health",
    {
      schema: {
        tags: ["operations"],
        summary: "Process and database health",
        security: [],
        response: { 200: health, 503: health },
      },
    },
    async (_request, reply) => {
      const up = await services.ping().catch(() => false);
      return reply.code(up ? 200 : 503).send({
        status: up ? "ok" : "degraded",
        database: up ? "ok" : "unreachable",
        uptimeSeconds: Math.round(process.uptime()),
      });
    },
  );
};
