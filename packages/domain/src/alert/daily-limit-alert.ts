import { DAY } from "../clock.ts";
import type { RaiseAlert } from "./alert-service.ts";

/**
 * The alert of a day's limit used up (once per hosting and day): further mail is refused until
 * the next midnight UTC, which it names (`until`).
 */
export function dailyLimitReachedAlert(hostingId: string, day: Date, limit: number): RaiseAlert {
  const occasion = day.toISOString().slice(0, 10);
  return {
    kind: "daily_limit_reached",
    hostingId,
    occasion,
    details: {
      limit,
      until: new Date(Date.parse(`${occasion}T00:00:00.000Z`) + DAY).toISOString(),
    },
  };
}
