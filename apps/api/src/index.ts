export { buildApp } from "./app.ts";
export { buildMetricsApp } from "./plugins/metrics.ts";
export type { ApiConfig, BuildAppOptions, RequestAuth } from "./types.ts";
