import { createHash, timingSafeEqual } from "node:crypto";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";

export interface MetricsOptions {
  /** The process's registry (other roles' metrics); default: one of this app's own. */
  shared?: Registry | undefined;
  /**
   * The bearer credential `/metrics` needs on this listener. Unset: the API's listener does not
   * serve `/metrics` at all (404); the operator's own listener (METRICS_PORT) serves it.
   */
  token?: string | undefined;
}

const digest = (value: string) => createHash("sha256").update(value).digest();

/** Compares digests, so that neither the content nor the length of the token leaks by timing. */
function bearerMatches(request: FastifyRequest, token: string): boolean {
  const given = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? "")?.[1];
  return given !== undefined && timingSafeEqual(digest(given), digest(token));
}

function serveMetrics(app: FastifyInstance, registry: Registry, token: string | undefined): void {
  app.get("/metrics", { schema: { hide: true } }, async (request, reply: FastifyReply) => {
    if (token !== undefined && !bearerMatches(request, token)) {
      reply.header("www-authenticate", 'Bearer realm="metrics"');
      return reply.code(401).type("text/plain; charset=utf-8").send("unauthorized\n");
    }
    reply.header("content-type", registry.contentType);
    reply.header("cache-control", "no-store");
    return registry.metrics();
  });
}

/**
 * Counts the app's requests. One registry per app instance, so that several apps (tests, several
 * roles in one process) never register the same metric twice in prom-client's global registry.
 * A process running other roles passes its own registry, so that /metrics shows theirs too (it
 * then owns the process metrics). `/metrics` itself is served here only with a token: the API's
 * port faces the customers, and the metrics name their hostings and volumes.
 */
export function registerMetrics(app: FastifyInstance, options: MetricsOptions = {}): Registry {
  const { shared, token } = options;
  const registry = shared ?? new Registry();
  if (!shared) collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: "http_requests_total",
    help: "HTTP requests answered, by method, route pattern and status",
    labelNames: ["method", "route", "status"] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: "http_request_duration_seconds",
    help: "Time to answer HTTP requests, by method, route pattern and status",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  app.addHook("onResponse", async (request, reply) => {
    // the route pattern, never the raw URL: label values must stay few
    const route = request.routeOptions.url ?? "unmatched";
    const labels = { method: request.method, route, status: String(reply.statusCode) };
    requests.inc(labels);
    duration.observe(labels, reply.elapsedTime / 1000);
  });

  if (token !== undefined) serveMetrics(app, registry, token);

  app.addHook("onClose", async () => {
    if (shared) {
      registry.removeSingleMetric("http_requests_total");
      registry.removeSingleMetric("http_request_duration_seconds");
    } else {
      registry.clear();
    }
  });
  return registry;
}

/**
 * The operator's own listener (METRICS_PORT): `/metrics` of the process's registry and nothing
 * else, bound to loopback by the caller; still asks for the token when one is configured.
 */
export function buildMetricsApp(options: {
  registry: Registry;
  token?: string | undefined;
}): FastifyInstance {
  const app = Fastify({ logger: false });
  serveMetrics(app, options.registry, options.token);
  return app;
}
