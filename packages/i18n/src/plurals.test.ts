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

  it("agree the daily limit's sentences with the limit, in the language's digits", () => {
    const explain = (locale: "en" | "pt" | "fr", limit: number) =>
      t(locale, "web.dailyLimit.explain", { limit });
    expect(explain("en", 1)).toMatch(/^Today 1 message may be accepted\./);
    expect(explain("en", 1000)).toMatch(/^Today 1,000 messages may be accepted\./);
    expect(explain("pt", 1)).toMatch(/^Hoje pode ser aceite 1 mensagem\./);
    expect(explain("pt", 0)).toMatch(/^Hoje podem ser aceites 0 mensagens\./);
    expect(explain("fr", 1)).toMatch(/^Aujourd’hui, 1 message peut être accepté\./);
    expect(explain("fr", 0)).toMatch(/^Aujourd’hui, 0 message peut être accepté\./);
    expect(explain("fr", 20000)).toMatch(
      /^Aujourd’hui, 20\u202f000 messages peuvent être acceptés\./,
    );
    const done = (locale: "en" | "pt" | "fr", limit: number) =>
      t(locale, "web.dailyLimit.done", { serviceName: "s", limit });
    expect(done("en", 1)).toBe("The daily limit of s is now 1 message.");
    expect(done("pt", 1)).toBe("O limite diário de s é agora de 1 mensagem.");
    expect(done("pt", 2500)).toBe("O limite diário de s é agora de 2500 mensagens.");
    expect(done("fr", 2)).toBe("La limite quotidienne de s est désormais de 2 messages.");
  });

  it("word an API token's lifetime by the number of days", () => {
    expect(t("en", "web.tokens.days", { days: 1 })).toBe("1 day");
    expect(t("fr", "web.tokens.days", { days: 1000 })).toBe("1\u202f000 jours");
  });

  it("write a plural's own count in the language's digits", () => {
    expect(t("en", "error.daily_limit_reached", { limit: 5000 })).toMatch(
      /^The daily sending limit of 5,000 messages is reached/,
    );
    expect(t("fr", "error.too_many_attempts", { minutes: 1 })).toBe(
      "Trop de tentatives. Réessayez dans 1 minute.",
    );
    expect(t("fr", "mail.report.moreCauses", { count: 1200 })).toBe(
      "1\u202f200 autres causes ne sont pas listées ; voir le panneau.",
    );
    expect(t("pt", "mail.report.truncated", { shown: 1 })).toBe(
      "Só o primeiro erro do dia é listado aqui.",
    );
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
