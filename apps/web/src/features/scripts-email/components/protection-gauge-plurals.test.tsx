// @vitest-environment jsdom
import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { Locale } from "../../../lib/i18n.tsx";
import { emailStatus } from "../../../testing/fixtures.ts";
import { renderWithProviders } from "../../../testing/render.tsx";
import { ProtectionGauge } from "./protection-gauge.tsx";

function gaugeTexts(locale: Locale) {
  const { protection } = emailStatus();
  renderWithProviders(
    <ProtectionGauge
      spamChecking
      protection={{
        ...protection,
        bounce: { ...protection.bounce, recipients: 1, minFailures: 1 },
        burst: { count: 0, limit: 1, windowSeconds: 60 },
        spam: { count: 0, limit: 1 },
      }}
    />,
    { locale },
  );
  return screen.getAllByRole("meter").map((m) => m.getAttribute("aria-valuetext"));
}

describe("the gauge's counts take plural rules", () => {
  it("in English", () => {
    expect(gaugeTexts("en")).toEqual([
      "0% of 1 recipient failed in 60 min; blocks at 50% (from 1 failure)",
      "0 of 1 message in 60 s",
      "0 of 1 message flagged as spam",
    ]);
  });

  it("in Portuguese", () => {
    expect(gaugeTexts("pt")[2]).toBe("0 de 1 mensagem marcada como spam");
  });

  it("in French", () => {
    expect(gaugeTexts("fr")[0]?.replace(/\s/g, " ")).toBe(
      "0 % de 1 destinataire en échec en 60 min ; bloque à 50 % (dès 1 échec)",
    );
  });
});
