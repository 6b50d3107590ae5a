import { DAY } from "../clock.ts";

/** When and in which time zone the nightly report runs, and how many missed days it catches up. */
export interface ReportSchedule {
  /** "HH:MM", 24-hour, local to `timeZone`. */
  time: string;
  /** An IANA time zone, e.g. "UTC" or "Europe/Lisbon". */
  timeZone: string;
  catchUpDays: number;
}

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function isReportTime(value: string): boolean {
  return TIME.test(value);
}

export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function localParts(at: Date, timeZone: string): LocalParts {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(at)) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour! % 24,
    minute: parts.minute!,
    second: parts.second!,
  };
}

/** Milliseconds the zone is ahead of UTC at `at`. */
function offsetMs(at: Date, timeZone: string): number {
  const p = localParts(at, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/** The local calendar day `at` falls on, as midnight UTC of that date (the `@db.Date` key). */
export function localDay(at: Date, timeZone: string): Date {
  const p = localParts(at, timeZone);
  return new Date(Date.UTC(p.year, p.month - 1, p.day));
}

/** The instant a local calendar day (midnight UTC of its date) starts in `timeZone`. */
export function startOfLocalDay(day: Date, timeZone: string): Date {
  const guess = day.getTime();
  const first = guess - offsetMs(new Date(guess), timeZone);
  const second = guess - offsetMs(new Date(first), timeZone);
  return new Date(second);
}

/** [start, end) of a local calendar day, as instants. */
export function localDayRange(day: Date, timeZone: string): { start: Date; end: Date } {
  return {
    start: startOfLocalDay(day, timeZone),
    end: startOfLocalDay(new Date(day.getTime() + DAY), timeZone),
  };
}

/** "HH:MM" of `at` in `timeZone`. */
export function localTime(at: Date, timeZone: string): string {
  const p = localParts(at, timeZone);
  return `${String(p.hour).padStart(2, "0")}:${String(p.minute).padStart(2, "0")}`;
}

/**
 * The days whose report is due at `now`, oldest first: yesterday (local) once the report time
 * has passed today, else the day before; and up to `catchUpDays - 1` days before that, so that
 * days missed while no scheduler ran are caught up.
 */
export function dueDays(now: Date, schedule: ReportSchedule): Date[] {
  const today = localDay(now, schedule.timeZone);
  const passed = localTime(now, schedule.timeZone) >= schedule.time;
  const latest = today.getTime() - (passed ? 1 : 2) * DAY;
  const count = Math.max(1, Math.trunc(schedule.catchUpDays));
  return Array.from({ length: count }, (_, i) => new Date(latest - (count - 1 - i) * DAY));
}

/** The UTC days ([first, last]) that overlap a local day: where its DailyVolume rows are. */
export function utcDaysOverlapping(range: { start: Date; end: Date }): Date[] {
  const first = Date.UTC(
    range.start.getUTCFullYear(),
    range.start.getUTCMonth(),
    range.start.getUTCDate(),
  );
  const lastInstant = new Date(range.end.getTime() - 1);
  const last = Date.UTC(
    lastInstant.getUTCFullYear(),
    lastInstant.getUTCMonth(),
    lastInstant.getUTCDate(),
  );
  const days: Date[] = [];
  for (let d = first; d <= last; d += DAY) days.push(new Date(d));
  return days;
}
