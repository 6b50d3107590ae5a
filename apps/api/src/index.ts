export { buildApp } from "./app.ts";
export type { ApiConfig, BuildAppOptions, RequestAuth } from "./types.ts";
