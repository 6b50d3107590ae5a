/** Midnight UTC of the day `at` falls on: the key of DailyVolume rows (`@db.Date`). */
export function utcDay(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
}

/** `YYYY-MM-DD` of a UTC day. */
export function isoDay(day: Date): string {
  return day.toISOString().slice(0, 10);
}

export function isoOrNull(at: Date | null | undefined): string | null {
  return at ? at.toISOString() : null;
}
