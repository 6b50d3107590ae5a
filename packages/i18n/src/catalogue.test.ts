import { IntlMessageFormat } from "intl-messageformat";
import { describe, expect, it } from "vitest";
import en from "./catalogue/en.json" with { type: "json" };
import fr from "./catalogue/fr.json" with { type: "json" };
import pt from "./catalogue/pt.json" with { type: "json" };
import { negotiateLocale, t } from "./index.ts";

describe("i18n catalogue", () => {
  it.each([
    ["pt", pt],
    ["fr", fr],
  ])("%s has exactly the English keys, with the same placeholders", (name, other) => {
    expect(Object.keys(other).sort()).toEqual(Object.keys(en).sort());
    // every message is a valid ICU message (this throws on a syntax error) with English's arguments
    const placeholders = (s: string, locale: string) =>
      [
        ...new Set(
          [
            ...JSON.stringify(new IntlMessageFormat(s, locale).getAst()).matchAll(
              /"value":"(\w+)"/g,
            ),
          ]
            .map((m) => m[1])
            .filter((v) => s.includes(`{${v}`)),
        ),
      ].sort();
    for (const [key, text] of Object.entries(en)) {
      expect(placeholders((other as Record<string, string>)[key] ?? "", name), key).toEqual(
        placeholders(text, "en"),
      );
    }
  });

  it("words counts with each language's plural rules", () => {
    const summary = (locale: "en" | "pt" | "fr", count: number) =>
      t(locale, "mail.report.summary", { date: "d", timeZone: "UTC", serviceName: "s", count });
    expect(summary("en", 1)).toContain("1 delivery error occurred for");
    expect(summary("en", 4)).toContain("4 delivery errors occurred for");
    expect(summary("pt", 1)).toContain("ocorreu 1 erro de entrega");
    expect(summary("pt", 0)).toContain("ocorreram 0 erros de entrega"); // pt-PT: 0 is plural
    expect(summary("fr", 0)).toContain("0 erreur de distribution est survenue"); // fr: 0 is singular
    expect(summary("fr", 2)).toContain("2 erreurs de distribution sont survenues");
    expect(t("en", "mail.report.moreCauses", { count: 1 })).toBe(
      "1 other cause is not listed; see the panel.",
    );
    expect(t("fr", "mail.report.moreRecipients", { first: "a@x", more: 3 })).toBe(
      "a@x et 3 autres",
    );
    expect(t("en", "mail.report.truncated", { shown: 1 })).toBe(
      "Only the first error of the day is listed here.",
    );
    expect(t("en", "error.too_many_attempts", { minutes: 1 })).toBe(
      "Too many attempts. Try again in 1 minute.",
    );
  });

  it("keeps a placeholder without a value as it is", () => {
    expect(t("en", "web.counters.ofLimit", { count: 3 })).toBe("3 of {limit}");
  });

  it("fills placeholders and picks the locale", () => {
    expect(t("fr", "error.too_many_attempts", { minutes: 15 })).toContain("15 minutes");
    expect(t("pt", "state.blocked")).toBe("bloqueado");
  });

  it("negotiates Accept-Language", () => {
    expect(negotiateLocale("pt-PT,pt;q=0.9,en;q=0.8")).toBe("pt");
    expect(negotiateLocale("de-DE,fr;q=0.5,en;q=0.4")).toBe("fr");
    expect(negotiateLocale("de")).toBe("en");
    expect(negotiateLocale(undefined, "pt")).toBe("pt");
  });
});
