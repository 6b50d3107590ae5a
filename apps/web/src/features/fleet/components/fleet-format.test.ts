// every catalogue, as the server has them (the panel downloads the one it shows)
import "@scripts-email/i18n";
import { describe, expect, it } from "vitest";
import { createI18n } from "../../../lib/i18n.tsx";
import { formatAge, formatRatio } from "./fleet-format.ts";

const en = createI18n("en", () => {});
const fr = createI18n("fr", () => {});
const pt = createI18n("pt", () => {});

describe("the fleet's figures in words", () => {
  it("writes a bounce ratio as a percentage to a tenth, in the language's digits", () => {
    expect(formatRatio(0, en)).toBe("0%");
    expect(formatRatio(0.125, en)).toBe("12.5%");
    expect(formatRatio(1, en)).toBe("100%");
    expect(formatRatio(0.125, fr)).toBe("12,5 %");
    expect(formatRatio(0.5, pt)).toBe("50%");
    // a few failures among many recipients is not "0%"
    expect(formatRatio(0.0004, en)).toBe("< 0.1%");
    expect(formatRatio(0.0004, fr)).toBe("< 0,1 %");
  });

  it("writes the oldest queued message's wait in seconds, minutes, hours or days", () => {
    expect(formatAge(45, en)).toBe("45 s");
    expect(formatAge(12 * 60 + 5, en)).toBe("12 min");
    expect(formatAge(3 * 3600 + 12 * 60, en)).toBe("3 h 12 min");
    expect(formatAge(2 * 86_400 + 5 * 3600, fr)).toBe("2 j 5 h");
  });

  it("words the counts with each language's plural rules", () => {
    expect(en.t("web.fleet.health.failures", { count: 0 })).toBe("No failures in the last hour");
    expect(en.t("web.fleet.health.failures", { count: 1 })).toBe("1 failure in the last hour");
    expect(fr.t("web.fleet.health.failures", { count: 1200 })).toBe(
      "1\u202f200 échecs dans la dernière heure",
    );
    expect(pt.t("web.fleet.matches", { count: 1 })).toBe("1 alojamento corresponde");
    expect(fr.t("web.fleet.matches", { count: 2 })).toBe("2 hébergements correspondent");
    expect(en.t("web.fleet.showThese", { count: 1 })).toBe("Show this hosting in the table");
  });
});
