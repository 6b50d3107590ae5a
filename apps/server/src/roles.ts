import type { RoleName } from "./config.ts";
import { startApiRole } from "./roles/api-role.ts";
import type { StartRole } from "./roles/role.ts";
import { startSchedulerRole } from "./roles/scheduler-role.ts";
import { startSmtpRole } from "./roles/smtp-role.ts";
import { startWorkerRole } from "./roles/worker-role.ts";

export type { RoleContext, RunningRole, StartRole } from "./roles/role.ts";

/**
 * What each role runs. Every role ships in this build; a caller (a test) may pass a table with
 * `null` for a role it leaves out, and asking for that role is then reported.
 */
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
