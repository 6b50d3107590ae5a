import type { FastifyInstance } from "fastify";
import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";

/**
 * One registry per app instance, so that several apps (tests, several roles in one process) never
 * register the same metric twice in prom-client's global registry. A process running other roles
 * passes its own registry, so that /metrics shows theirs too (it then owns the process metrics).
 */
export function registerMetrics(app: FastifyInstance, shared?: Registry): Registry {
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

  app.get("/metrics", { schema: { hide: true } }, async (_request, reply) => {
    reply.header("content-type", registry.contentType);
    return registry.metrics();
  });

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
