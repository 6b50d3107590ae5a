import type { I18n } from "../../../lib/i18n.tsx";

/** A share (0–1) as "12.5%" in the language's digits; a little above nothing is "< 0.1%". */
export function formatRatio(ratio: number, i18n: Pick<I18n, "t" | "formatNumber">): string {
  const tenths = Math.round(ratio * 1000);
  if (ratio > 0 && tenths === 0) return i18n.t("web.fleet.percentUnderTenth");
  return i18n.t("web.fleet.percent", { percent: i18n.formatNumber(tenths / 10) });
}

/** How long something has waited: "45 s", "12 min", "3 h 12 min", "2 d 5 h". */
export function formatAge(seconds: number, i18n: Pick<I18n, "t" | "formatNumber">): string {
  const n = i18n.formatNumber;
  const whole = Math.max(0, Math.floor(seconds));
  if (whole < 60) return i18n.t("web.fleet.age.seconds", { seconds: n(whole) });
  const minutes = Math.floor(whole / 60);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  if (days > 0) return i18n.t("web.timeLeft.daysHours", { days: n(days), hours: n(hours) });
  if (hours > 0) {
    return i18n.t("web.timeLeft.hoursMinutes", { hours: n(hours), minutes: n(minutes % 60) });
  }
  return i18n.t("web.timeLeft.minutes", { minutes: n(minutes) });
}
