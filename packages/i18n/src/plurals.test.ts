import { describe, expect, it } from "vitest";
import { t } from "./index.ts";

// counts written into sentences take each language's plural rules (pt-PT: 0 is plural, fr: 0 is singular)
describe("counts in sentences", () => {
  it("word one and many", () => {
    expect(t("en", "error.validation_failed.held_scripts_limit", { max: 1 })).toBe(
      "A hosting can hold at most 1 script at once; resume one first.",
    );
    expect(t("en", "web.heldMail.truncated", { count: 200 })).toBe(
      "Only the 200 largest groups are listed; use the filter below for the rest.",
    );
    expect(t("pt", "web.password.tooShort", { min: 1 })).toBe(
      "A nova palavra-passe precisa de pelo menos 1 caráter.",
    );
    expect(t("fr", "web.chart.summaryEmpty", { days: 1 })).toBe(
      "Sur 1 jour : aucun message envoyé et aucune erreur.",
    );
    expect(t("pt", "web.unblock.goesOut", { count: 0 })).toBe("Nenhuma mensagem retida é enviada.");
    expect(t("fr", "web.unblock.spamStays", { count: 0 })).toBe(
      "0 message signalé comme spam reste retenu.",
    );
  });

  it("agree the verb with the count in the daily limit's alert", () => {
    const body = (locale: "en" | "pt" | "fr", used: number) =>
      t(locale, "mail.alert.daily_limit.body", { used, limit: 10, serviceName: "s" });
    expect(body("en", 1)).toContain("Today 1 of the 10 messages allowed per day was accepted");
    expect(body("en", 8)).toContain("Today 8 of the 10 messages allowed per day were accepted");
    expect(body("pt", 1)).toContain("Hoje foi aceite 1 das 10 mensagens permitidas por dia");
    expect(body("fr", 8)).toContain("8 des 10 messages autorisés par jour ont été acceptés");
  });

  it("format the count in the language's digits", () => {
    expect(t("fr", "web.chart.barLabel", { day: "3 janv.", sent: 12000, errors: 2 })).toBe(
      "3 janv. : 12\u202f000 envoyés, 2 erreurs",
    );
    expect(t("en", "web.protection.burst.value", { count: "5", limit: 1000, seconds: 60 })).toBe(
      "5 of 1,000 messages in 60 s",
    );
  });
});
