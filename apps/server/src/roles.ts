import type { Database } from "@scripts-email/db";
import type { Services } from "@scripts-email/domain";
import type { MtaMetrics } from "@scripts-email/mta";
import type { Registry } from "prom-client";
import type { Config, RoleName } from "./config.ts";
import type { Log } from "./log.ts";
import { startApiRole } from "./roles/api-role.ts";
import { startSchedulerRole } from "./roles/scheduler-role.ts";
import { startSmtpRole } from "./roles/smtp-role.ts";
import { startWorkerRole } from "./roles/worker-role.ts";

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

/** What each role runs. `null` marks a role this build lacks; asking for it is reported. */
export const ROLES: Record<RoleName, StartRole | null> = {
  api: startApiRole,
  smtp: startSmtpRole,
  worker: startWorkerRole,
  scheduler: startSchedulerRole,
};

export function splitRoles(
  wanted: readonly RoleName[],
  table: Record<RoleName, StartRole | null> = ROLES,
): { available: [RoleName, StartRole][]; missing: RoleName[] } {
  const available: [RoleName, StartRole][] = [];
  const missing: RoleName[] = [];
  for (const name of wanted) {
    const start = table[name];
    if (start) available.push([name, start]);
    else missing.push(name);
  }
  return { available, missing };
}
