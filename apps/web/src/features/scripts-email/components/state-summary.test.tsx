// @vitest-environment jsdom
import type { UserRole } from "@scripts-email/contracts";
import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { emailStatus } from "../../../testing/fixtures.ts";
import { renderWithProviders } from "../../../testing/render.tsx";
import { StateSummary } from "./state-summary.tsx";

const customer: UserRole = "customer";

describe("state summary", () => {
  it("says why sending is blocked, how much spam is held and what to do", () => {
    renderWithProviders(
      <StateSummary
        role={customer}
        status={emailStatus({
          state: "blocked",
          blockedBy: "system",
          blockCause: "spam",
          stateReason: "spam: 11 messages flagged in 60 min",
          held: 14,
          spam: 11,
          heldScripts: ["wp-content/plugins/hack.php"],
          unblock: { allowed: false, reason: "spam_not_purged" },
        })}
      />,
    );
    const cause = screen.getByText("Mail flagged as spam by the scanner");
    expect(cause.closest("div")?.querySelector("dt")?.textContent).toBe("Cause");
    expect(screen.getByText("Flagged as spam").nextElementSibling?.textContent).toBe("11");
    expect(screen.getByText("wp-content/plugins/hack.php")).toBeTruthy();
    expect(screen.getByText(/delete the mail flagged as spam/)).toBeTruthy();
  });

  it("explains the acknowledgement of a bounce block", () => {
    renderWithProviders(
      <StateSummary
        role={customer}
        status={emailStatus({ state: "blocked", blockedBy: "system", blockCause: "bounce" })}
      />,
    );
    expect(screen.getByText("Too many messages bounced")).toBeTruthy();
    expect(screen.getByText(/acknowledge and resume/)).toBeTruthy();
  });

  it("shows no cause while active", () => {
    renderWithProviders(<StateSummary role={customer} status={emailStatus()} />);
    expect(screen.queryByText("Cause")).toBeNull();
  });

  it("translates the cause", () => {
    renderWithProviders(
      <StateSummary
        role={customer}
        status={emailStatus({ state: "blocked", blockedBy: "system", blockCause: "burst" })}
      />,
      { locale: "pt" },
    );
    expect(screen.getByText("Demasiadas mensagens em pouco tempo")).toBeTruthy();
  });
});
