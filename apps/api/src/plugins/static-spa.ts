import path from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { NotFoundFallback } from "./error-handler.ts";

const NOT_SPA = /^\/(api|metrics|health)(\/|$|\?)/;

/** Serves a built SPA; client-side routes (any other GET) get its index.html. */
export async function registerStaticSpa(
  app: FastifyInstance,
  staticDir: string,
): Promise<NotFoundFallback> {
  await app.register(fastifyStatic, {
    root: path.resolve(staticDir),
    prefix: "/",
    index: ["index.html"],
    // the hashed assets may be cached for long, index.html must not be
    setHeaders(reply, filePath) {
      if (filePath.endsWith(".html")) reply.header("cache-control", "no-cache");
    },
  });
  return (request: FastifyRequest, reply: FastifyReply) => {
    if (request.method !== "GET" && request.method !== "HEAD") return null;
    if (NOT_SPA.test(request.url)) return null;
    return reply.header("cache-control", "no-cache").sendFile("index.html");
  };
}
