import type { Database } from "@scripts-email/db";
import type { Services } from "@scripts-email/domain";
import type { MtaMetrics } from "@scripts-email/mta";
import type { Registry } from "prom-client";
import type { Config, RoleName } from "../config.ts";
import type { Log } from "../log.ts";

// What every role receives and returns, apart from the role table in ../roles.ts, so that the
// roles and the table that lists them do not import each other.

export interface RoleContext {
  config: Config;
  db: Database;
  services: Services;
  log: Log;
  /** The process's Prometheus registry, served at /metrics by the api role. */
  metrics: Registry;
  mta: MtaMetrics;
}

export interface RunningRole {
  name: RoleName;
  /** Stops taking new work and waits for the work in hand. */
  stop(): Promise<void>;
}

export type StartRole = (context: RoleContext) => Promise<RunningRole>;
