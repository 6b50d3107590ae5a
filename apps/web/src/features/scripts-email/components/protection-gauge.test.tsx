// @vitest-environment jsdom
import type { ProtectionGauge as Gauge } from "@scripts-email/contracts";
import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { emailStatus } from "../../../testing/fixtures.ts";
import { renderWithProviders } from "../../../testing/render.tsx";
import { ProtectionGauge } from "./protection-gauge.tsx";

function gauge(overrides: Partial<Gauge> = {}): Gauge {
  return { ...emailStatus().protection, ...overrides };
}

function meter(name: string): HTMLElement {
  return screen.getByRole("meter", { name });
}

describe("protection gauge", () => {
  it("shows each rule's figure against what blocks, as meters with their values", () => {
    renderWithProviders(
      <ProtectionGauge
        spamChecking
        protection={gauge({
          bounce: {
            ratio: 0.25,
            failed: 30,
            recipients: 120,
            threshold: 0.5,
            minFailures: 20,
            windowMinutes: 60,
          },
          burst: { count: 850, limit: 1000, windowSeconds: 60 },
          spam: { count: 12, limit: 10 },
        })}
      />,
    );
    const bounce = meter("Bounce ratio");
    expect(bounce.getAttribute("value")).toBe("25");
    expect(bounce.getAttribute("max")).toBe("50");
    expect(bounce.getAttribute("aria-valuetext")).toBe(
      "25% of 120 recipients failed in 60 min; blocks at 50% (from 20 failures)",
    );

    const burst = meter("Burst");
    expect(burst.getAttribute("value")).toBe("850");
    expect(burst.getAttribute("max")).toBe("1000");
    expect(burst.getAttribute("aria-valuetext")).toBe("850 of 1,000 messages in 60 s");

    // over the limit: the bar is full, the words tell the real figure
    const spam = meter("Spam in the last hour");
    expect(spam.getAttribute("value")).toBe("10");
    expect(spam.getAttribute("aria-valuetext")).toBe("12 of 10 messages flagged as spam");

    expect(screen.queryByText(/Bounce threshold doubled/)).toBeNull();
    expect(screen.queryByText(/Spam checking is off/)).toBeNull();
  });

  it("says when spam checking is off, and when a rule is off", () => {
    renderWithProviders(
      <ProtectionGauge
        spamChecking={false}
        protection={gauge({ burst: { count: 3, limit: 0, windowSeconds: 60 } })}
      />,
    );
    expect(screen.getByText("Spam checking is off: outgoing mail is not scanned.")).toBeTruthy();
    expect(screen.queryByRole("meter", { name: "Spam in the last hour" })).toBeNull();
    expect(screen.queryByRole("meter", { name: "Burst" })).toBeNull();
    expect(screen.getByText("Rule off")).toBeTruthy();
    expect(screen.getAllByRole("meter")).toHaveLength(1);
  });

  it("shows the relaxed bounce threshold until when it lasts", () => {
    renderWithProviders(
      <ProtectionGauge
        spamChecking
        protection={gauge({
          bounce: {
            ratio: 0.6,
            failed: 60,
            recipients: 100,
            threshold: 1,
            minFailures: 20,
            windowMinutes: 60,
          },
          relaxedUntil: "2025-01-11T09:00:00.000Z",
        })}
      />,
    );
    expect(screen.getByText(/Bounce threshold doubled until/)).toBeTruthy();
    expect(meter("Bounce ratio").getAttribute("max")).toBe("100");
  });

  it("speaks the chosen language", () => {
    renderWithProviders(<ProtectionGauge spamChecking protection={gauge()} />, { locale: "fr" });
    expect(screen.getByRole("heading", { name: "Protection" })).toBeTruthy();
    expect(meter("Taux de rejets").getAttribute("aria-valuetext")).toMatch(/bloque à 50 %/);
  });
});
