import type { FleetWindow } from "@scripts-email/contracts";

import { hourOf } from "../shared/time.ts";

const HOUR_MS = 3_600_000;

/**
 * The first hourly bucket of a window: the current hour plus the previous 1 (`1h`) or 24 (`24h`)
 * whole hours, so a window is counted to the hour (never less than asked, at most one hour more).
 */
export function windowStart(now: Date, window: FleetWindow): Date {
  const hours = window === "1h" ? 1 : 24;
  return new Date(hourOf(now).getTime() - hours * HOUR_MS);
}
