import { describe, expect, it } from "vitest";
import {
  dueDays,
  isReportTime,
  isTimeZone,
  localDay,
  localDayRange,
  utcDaysOverlapping,
} from "./report-time.ts";

const iso = (d: Date) => d.toISOString();
const days = (list: Date[]) => list.map((d) => iso(d).slice(0, 10));

describe("report time", () => {
  it("validates times and time zones", () => {
    expect(["00:00", "02:00", "23:59"].every(isReportTime)).toBe(true);
    expect(["2:00", "24:00", "12:60", "noon"].some(isReportTime)).toBe(false);
    expect(isTimeZone("Europe/Lisbon")).toBe(true);
    expect(isTimeZone("Mars/Olympus")).toBe(false);
  });

  it("is due for yesterday once the report time has passed, with the days before to catch up", () => {
    const schedule = { time: "02:00", timeZone: "UTC", catchUpDays: 3 };
    expect(days(dueDays(new Date("2026-03-10T01:59:59Z"), schedule))).toEqual([
      "2026-03-06",
      "2026-03-07",
      "2026-03-08",
    ]);
    expect(days(dueDays(new Date("2026-03-10T02:00:00Z"), schedule))).toEqual([
      "2026-03-07",
      "2026-03-08",
      "2026-03-09",
    ]);
    expect(
      days(dueDays(new Date("2026-03-10T02:00:00Z"), { ...schedule, catchUpDays: 1 })),
    ).toEqual(["2026-03-09"]);
  });

  it("reads the time and the day in the configured zone", () => {
    const tokyo = { time: "02:00", timeZone: "Asia/Tokyo", catchUpDays: 1 };
    // 17:30 UTC on the 9th is 02:30 on the 10th in Tokyo
    expect(days(dueDays(new Date("2026-03-09T17:30:00Z"), tokyo))).toEqual(["2026-03-09"]);
    expect(days(dueDays(new Date("2026-03-09T16:30:00Z"), tokyo))).toEqual(["2026-03-08"]);
    expect(iso(localDay(new Date("2026-03-09T15:00:00Z"), "Asia/Tokyo"))).toBe(
      "2026-03-10T00:00:00.000Z",
    );
  });

  it("gives a local day's bounds across daylight-saving changes", () => {
    // Lisbon moves to summer time on 29 March 2026: that day has 23 hours
    const spring = localDayRange(new Date("2026-03-29T00:00:00Z"), "Europe/Lisbon");
    expect([iso(spring.start), iso(spring.end)]).toEqual([
      "2026-03-29T00:00:00.000Z",
      "2026-03-29T23:00:00.000Z",
    ]);
    const autumn = localDayRange(new Date("2026-10-25T00:00:00Z"), "Europe/Lisbon");
    expect([iso(autumn.start), iso(autumn.end)]).toEqual([
      "2026-10-24T23:00:00.000Z",
      "2026-10-26T00:00:00.000Z",
    ]);
    const ny = localDayRange(new Date("2026-03-09T00:00:00Z"), "America/New_York");
    expect(days(utcDaysOverlapping(ny))).toEqual(["2026-03-09", "2026-03-10"]);
    const utc = localDayRange(new Date("2026-03-09T00:00:00Z"), "UTC");
    expect(days(utcDaysOverlapping(utc))).toEqual(["2026-03-09"]);
  });
});
