// every catalogue, as the server has them (the panel downloads the one it shows)
import "@scripts-email/i18n";
import { describe, expect, it } from "vitest";
import { createI18n } from "./i18n.tsx";
import { formatTimeLeft, timeLeft } from "./time-left.ts";

const now = new Date("2025-03-01T12:00:00Z");
const after = (ms: number) => new Date(now.getTime() + ms).toISOString();
const MIN = 60_000;
const HOUR = 60 * MIN;

describe("time left before expiry", () => {
  it("splits the time into days, hours and minutes, rounding up to the minute", () => {
    expect(timeLeft(after(72 * HOUR), now)).toEqual({ days: 3, hours: 0, minutes: 0 });
    expect(timeLeft(after(49 * HOUR + 30 * MIN), now)).toEqual({ days: 2, hours: 1, minutes: 30 });
    expect(timeLeft(after(30_000), now)).toEqual({ days: 0, hours: 0, minutes: 1 });
    expect(timeLeft(after(0), now)).toBeNull();
    expect(timeLeft(after(-HOUR), now)).toBeNull();
  });

  it("says it in the chosen language", () => {
    const en = createI18n("en", () => {});
    const fr = createI18n("fr", () => {});
    expect(formatTimeLeft(after(71 * HOUR + 59 * MIN), now, en)).toBe("2 d 23 h");
    expect(formatTimeLeft(after(71 * HOUR + 59 * MIN), now, fr)).toBe("2 j 23 h");
    expect(formatTimeLeft(after(5 * HOUR + 7 * MIN), now, en)).toBe("5 h 7 min");
    expect(formatTimeLeft(after(12 * MIN), now, en)).toBe("12 min");
    expect(formatTimeLeft(after(-MIN), now, en)).toBe("expiring now");
    expect(
      formatTimeLeft(
        after(-MIN),
        now,
        createI18n("pt", () => {}),
      ),
    ).toBe("a expirar");
  });
});
