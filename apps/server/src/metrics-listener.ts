import { buildMetricsApp } from "@scripts-email/api";
import type { Registry } from "prom-client";
import type { Config } from "./config.ts";
import type { Log } from "./log.ts";

/** Loopback only: the metrics name hostings and volumes, and this listener has no other guard. */
export const METRICS_HOST = "127.0.0.1";

/**
 * METRICS_PORT: the process's metrics (every role it runs, not only the API's) on a listener of
 * their own, for a Prometheus on the same machine or behind the operator's tunnel. Returns its
 * stop function, or null when METRICS_PORT is unset.
 */
export async function startMetricsListener(
  config: Pick<Config, "metricsPort" | "metricsToken">,
  registry: Registry,
  log: Log,
): Promise<(() => Promise<void>) | null> {
  if (config.metricsPort === undefined) {
    if (config.metricsToken === undefined) {
      log.info("metrics: not served (set METRICS_TOKEN or METRICS_PORT, see the README)");
    }
    return null;
  }
  const app = buildMetricsApp({ registry, token: config.metricsToken });
  await app.listen({ port: config.metricsPort, host: METRICS_HOST });
  log.info(`metrics: http://${METRICS_HOST}:${config.metricsPort}/metrics`);
  return () => app.close();
}
