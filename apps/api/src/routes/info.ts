import { serverInfo } from "@scripts-email/contracts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { RouteOptions } from "./common.ts";

export const infoRoutes: FastifyPluginAsyncZod<Pick<RouteOptions, "config">> = async (
  app,
  { config },
) => {
  app.get(
    "/info",
    {
      schema: {
        tags: ["operations"],
        summary: "How this installation delivers mail (the panel marks the capture mode)",
        security: [],
        response: { 200: serverInfo },
      },
    },
    async () => ({ deliveryMode: config.deliveryMode ?? "relay" }),
  );
};
