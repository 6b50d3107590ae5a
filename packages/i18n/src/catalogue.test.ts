import { describe, expect, it } from "vitest";
import en from "./catalogue/en.json" with { type: "json" };
import fr from "./catalogue/fr.json" with { type: "json" };
import pt from "./catalogue/pt.json" with { type: "json" };
import { negotiateLocale, t } from "./index.ts";

describe("i18n catalogue", () => {
  it.each([
    ["pt", pt],
    ["fr", fr],
  ])("%s has exactly the English keys, with the same placeholders", (_name, other) => {
    expect(Object.keys(other).sort()).toEqual(Object.keys(en).sort());
    for (const [key, text] of Object.entries(en)) {
      const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(placeholders((other as Record<string, string>)[key] ?? ""), key).toEqual(
        placeholders(text),
      );
    }
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
