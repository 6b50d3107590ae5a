/** Midnight UTC of the day `at` falls on: the key of DailyVolume rows (`@db.Date`). */
export function utcDay(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
}

const HOUR_MS = 3_600_000;

/** The start of the hour `at` falls in (UTC): the key of HourlyVolume rows. */
export function hourOf(at: Date): Date {
  return new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);
}

/** `YYYY-MM-DD` of a UTC day. */
export function isoDay(day: Date): string {
  return day.toISOString().slice(0, 10);
}

export function isoOrNull(at: Date | null | undefined): string | null {
  return at ? at.toISOString() : null;
}
