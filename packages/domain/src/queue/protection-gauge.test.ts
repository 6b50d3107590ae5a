import { describe, expect, it } from "vitest";
import { HOUR } from "../clock.ts";
import {
  bounceExceeded,
  bounceThreshold,
  type ProtectionRules,
  protectionGauge,
} from "./protection-gauge.ts";

const now = new Date("2026-03-10T12:00:00.000Z");
const later = new Date(now.getTime() + HOUR);
const earlier = new Date(now.getTime() - HOUR);
const rules: ProtectionRules = {
  bounce: { ratio: 0.5, minFailures: 20, windowMs: HOUR },
  burst: { limit: 1000, windowMs: 60_000 },
  spam: { limit: 10, windowMs: HOUR },
};

describe("bounce threshold", () => {
  it("is doubled while relaxed, never above every recipient", () => {
    expect(bounceThreshold(rules.bounce, null, now)).toBe(0.5);
    expect(bounceThreshold(rules.bounce, later, now)).toBe(1);
    expect(bounceThreshold(rules.bounce, earlier, now)).toBe(0.5);
    expect(bounceThreshold({ ...rules.bounce, ratio: 0.3 }, later, now)).toBe(0.6);
    expect(bounceThreshold({ ...rules.bounce, ratio: 0.8 }, later, now)).toBe(1);
  });

  it("blocks from the threshold once enough recipients failed; a ratio of 0 is off", () => {
    expect(bounceExceeded(rules.bounce, 0.5, { failed: 20, delivered: 20 })).toBe(true);
    expect(bounceExceeded(rules.bounce, 0.5, { failed: 20, delivered: 21 })).toBe(false);
    expect(bounceExceeded(rules.bounce, 0.5, { failed: 19, delivered: 0 })).toBe(false);
    expect(bounceExceeded(rules.bounce, 1, { failed: 30, delivered: 10 })).toBe(false);
    expect(bounceExceeded({ ...rules.bounce, ratio: 0 }, 0, { failed: 50, delivered: 0 })).toBe(
      false,
    );
  });
});

describe("protection gauge", () => {
  const figures = { delivered: 30, failed: 10, since: earlier, burst: 12, spam: 3 };

  it("puts each rule's figure beside what blocks", () => {
    expect(protectionGauge(rules, figures, null, now)).toEqual({
      bounce: {
        ratio: 0.25,
        failed: 10,
        recipients: 40,
        threshold: 0.5,
        minFailures: 20,
        windowMinutes: 60,
      },
      burst: { count: 12, limit: 1000, windowSeconds: 60 },
      spam: { count: 3, limit: 10 },
      relaxedUntil: null,
      since: earlier.toISOString(),
    });
  });

  it("shows a relaxation in force only, and a ratio of 0 without recipients", () => {
    const relaxed = protectionGauge(rules, figures, later, now);
    expect(relaxed.relaxedUntil).toBe(later.toISOString());
    expect(relaxed.bounce.threshold).toBe(1);
    expect(protectionGauge(rules, figures, earlier, now).relaxedUntil).toBeNull();
    const quiet = protectionGauge(rules, { ...figures, delivered: 0, failed: 0 }, null, now);
    expect(quiet.bounce).toMatchObject({ ratio: 0, recipients: 0 });
  });
});
