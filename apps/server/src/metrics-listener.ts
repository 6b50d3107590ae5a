import { buildMetricsApp } from "@scripts-email/api";
import type { Registry } from "prom-client";
import type { Config } from "./config.ts";
import type { Log } from "./log.ts";

/**
 * METRICS_PORT: the process's metrics (every role it runs, not only the API's) on a listener of
 * their own, for a Prometheus on the same machine or behind the operator's tunnel. On loopback
 * (METRICS_HOST's default) unless a token guards it: the configuration refuses anything else, as
 * the metrics name hostings and volumes. Returns its stop function, or null when METRICS_PORT is
 * unset.
 */
export async function startMetricsListener(
  config: Pick<Config, "metricsPort" | "metricsToken" | "metricsHost">,
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
  const host = config.metricsHost;
  await app.listen({ port: config.metricsPort, host });
  log.info(
    `metrics: http://${host.includes(":") ? `[${host}]` : host}:${config.metricsPort}/metrics`,
  );
  return () => app.close();
}
