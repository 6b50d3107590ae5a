import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import { jsonSchemaTransform } from "fastify-type-provider-zod";
import { SESSION_COOKIE } from "./auth.ts";

/** Either way of signing in; put on every route that needs a user. */
export const SIGNED_IN: Record<string, string[]>[] = [{ cookieAuth: [] }, { bearerAuth: [] }];

/** OpenAPI 3 built from the routes' zod schemas, at /api/openapi.json; the docs UI at /api/docs. */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: "3.0.3",
      info: {
        title: "Scripts-email API",
        version: "1.0.0",
        description:
          "Control the mail that a hosting's scripts send. Sign in with `POST /api/session` " +
          "(session cookie) or send a personal token as `Authorization: Bearer`. Cookie-" +
          "authenticated POST, PUT, PATCH and DELETE requests must send the session's " +
          "`csrfToken` as the `X-CSRF-Token` header. Errors have one shape: " +
          "`{ error: { code, message, fields? }, requestId }`.",
      },
      components: {
        securitySchemes: {
          cookieAuth: { type: "apiKey", in: "cookie", name: SESSION_COOKIE },
          bearerAuth: { type: "http", scheme: "bearer" },
        },
      },
      tags: [
        { name: "session", description: "Signing in and out, personal tokens" },
        { name: "hostings", description: "Hostings and their Scripts-email panel" },
        { name: "messages", description: "A hosting's mail queue" },
        { name: "operations", description: "Health" },
      ],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: "/api/docs" });
  app.get("/api/openapi.json", { schema: { hide: true } }, async () => app.swagger());
}
