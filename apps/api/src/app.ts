import { randomUUID } from "node:crypto";
import Fastify, { type FastifyInstance } from "fastify";
import {
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import { authenticate, registerAuth } from "./plugins/auth.ts";
import { type NotFoundFallback, registerErrorHandler, sendError } from "./plugins/error-handler.ts";
import { registerMetrics } from "./plugins/metrics.ts";
import { registerOpenApi } from "./plugins/openapi.ts";
import { registerStaticSpa } from "./plugins/static-spa.ts";
import { accountSessionRoutes } from "./routes/account-sessions.ts";
import { auditRoutes } from "./routes/audit.ts";
import { emailRoutes } from "./routes/email.ts";
import { exportRoutes } from "./routes/exports.ts";
import { fleetRoutes } from "./routes/fleet.ts";
import { healthRoutes } from "./routes/health.ts";
import { heldGroupRoutes } from "./routes/held-groups.ts";
import { hostingAuditRoutes } from "./routes/hosting-audit.ts";
import { hostingNoteRoutes } from "./routes/hosting-notes.ts";
import { hostingSendingRoutes } from "./routes/hosting-sending.ts";
import { hostingRoutes } from "./routes/hostings.ts";
import { infoRoutes } from "./routes/info.ts";
import { messageRoutes } from "./routes/messages.ts";
import { refusalRoutes } from "./routes/refusals.ts";
import { scriptRoutes } from "./routes/scripts.ts";
import { selectionRoutes } from "./routes/selection.ts";
import { loginRoutes, sessionRoutes } from "./routes/session.ts";
import { suppressionRoutes } from "./routes/suppressions.ts";
import { tokenRoutes } from "./routes/tokens.ts";
import type { BuildAppOptions } from "./types.ts";

export async function buildApp({ services, config }: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(config.loggerInstance
      ? { loggerInstance: config.loggerInstance }
      : { logger: config.logger ?? false }),
    trustProxy: config.trustProxy ?? false,
    genReqId: () => randomUUID(),
    bodyLimit: 1024 * 1024,
    // long enough for any service name (253), so that the schema, not the router, judges it
    routerOptions: { maxParamLength: 300 },
    // a malformed URL or an absurdly long parameter gets the one error shape too
    frameworkErrors: (_error, request, reply) =>
      sendError(request, reply, "validation_failed", { status: 400 }),
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook("onRequest", async (request, reply) => {
    reply.header("x-request-id", request.id);
    // answers are per user: no shared cache may keep them
    if (request.url.startsWith("/api/")) reply.header("cache-control", "no-store");
  });

  await registerAuth(app);
  await registerOpenApi(app);
  registerMetrics(app, { shared: config.metricsRegistry, token: config.metricsToken });
  let notFoundFallback: NotFoundFallback | undefined;
  if (config.staticDir) notFoundFallback = await registerStaticSpa(app, config.staticDir);
  registerErrorHandler(app, notFoundFallback ? { notFoundFallback } : {});

  const options = { services, config };
  await app.register(healthRoutes, { services });
  await app.register(
    async (api) => {
      await api.register(loginRoutes, options);
      await api.register(infoRoutes, options);
      // everything else needs a signed-in user (and a CSRF token for cookie mutations)
      await api.register(async (signedIn) => {
        signedIn.addHook("onRequest", authenticate(services));
        await signedIn.register(sessionRoutes, options);
        await signedIn.register(tokenRoutes, options);
        await signedIn.register(hostingRoutes, options);
        await signedIn.register(emailRoutes, options);
        await signedIn.register(messageRoutes, options);
        await signedIn.register(exportRoutes, options);
        await signedIn.register(scriptRoutes, options);
        await signedIn.register(refusalRoutes, options);
        await signedIn.register(suppressionRoutes, options);
        await signedIn.register(heldGroupRoutes, options);
        await signedIn.register(selectionRoutes, options);
        await signedIn.register(auditRoutes, options);
        await signedIn.register(fleetRoutes, options);
        await signedIn.register(accountSessionRoutes, options);
        await signedIn.register(hostingSendingRoutes, options);
        await signedIn.register(hostingAuditRoutes, options);
        await signedIn.register(hostingNoteRoutes, options);
      });
    },
    { prefix: "/api" },
  );

  return app;
}
