import { z } from "zod";

/**
 * What an alert is about, in the order the panel lists them: blocks (by the protection, by
 * support), unblocks not made by the owner, a finished purge, held mail about to expire, 80 %
 * and 100 % of the daily limit. The same names as the database's AlertKind.
 */
export const alertKind = z.enum([
  "auto_block",
  "support_block",
  "unblocked",
  "purge_finished",
  "expiry_soon",
  "daily_limit",
  "daily_limit_reached",
]);
export type AlertKind = z.infer<typeof alertKind>;
export const ALERT_KINDS = alertKind.options;

/** The kinds a hosting turned off, each once (every kind is sent unless listed). */
export const alertsOff = z.array(alertKind).max(alertKind.options.length);
