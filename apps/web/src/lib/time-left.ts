import type { I18n } from "./i18n.tsx";

export interface TimeLeft {
  days: number;
  hours: number;
  minutes: number;
}

const MINUTE = 60_000;

/** Whole minutes left until `expiresAt`, split into days, hours, minutes; null once past. */
export function timeLeft(expiresAt: string | Date, now: Date): TimeLeft | null {
  const end = typeof expiresAt === "string" ? new Date(expiresAt) : expiresAt;
  const ms = end.getTime() - now.getTime();
  if (!Number.isFinite(ms) || ms <= 0) return null;
  // round up: "1 min" left until it is really gone
  const total = Math.ceil(ms / MINUTE);
  return {
    days: Math.floor(total / 1440),
    hours: Math.floor((total % 1440) / 60),
    minutes: total % 60,
  };
}

/** "2 d 5 h", "3 h 12 min", "12 min", or "expiring" in the chosen language. */
export function formatTimeLeft(
  expiresAt: string | Date,
  now: Date,
  i18n: Pick<I18n, "t" | "formatNumber">,
): string {
  const left = timeLeft(expiresAt, now);
  if (!left) return i18n.t("web.timeLeft.expiring");
  const n = i18n.formatNumber;
  if (left.days > 0) {
    return i18n.t("web.timeLeft.daysHours", { days: n(left.days), hours: n(left.hours) });
  }
  if (left.hours > 0) {
    return i18n.t("web.timeLeft.hoursMinutes", { hours: n(left.hours), minutes: n(left.minutes) });
  }
  return i18n.t("web.timeLeft.minutes", { minutes: n(left.minutes) });
}
