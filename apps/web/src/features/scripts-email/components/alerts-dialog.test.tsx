// @vitest-environment jsdom
import type { AlertKind } from "@scripts-email/contracts";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { emailStatus } from "../../../testing/fixtures.ts";
import { errorResponse, mockFetch, renderWithProviders } from "../../../testing/render.tsx";
import { ReportRecipient } from "./report-recipient.tsx";

const put = "PUT /api/hostings/example.org/email";

function setup(alertsOff: AlertKind[], locale?: "en" | "pt" | "fr") {
  const onNotice = vi.fn();
  renderWithProviders(
    <ReportRecipient
      serviceName="example.org"
      status={emailStatus({ alertsOff })}
      onNotice={onNotice}
    />,
    locale ? { locale } : {},
  );
  return { onNotice };
}

const boxes = (dialog: HTMLElement) =>
  within(dialog)
    .getAllByRole("checkbox")
    .map((box) => [(box as HTMLInputElement).value, (box as HTMLInputElement).checked]);

describe("the alerts dialog", () => {
  it("shows each kind ticked unless turned off, explained, and saves the kinds left unticked", async () => {
    const { calls } = mockFetch({
      [put]: (call) => ({
        body: emailStatus({ alertsOff: (call.body as { alertsOff: AlertKind[] }).alertsOff }),
      }),
    });
    const { onNotice } = setup(["unblocked"]);
    expect(screen.getByTestId("alerts-off").textContent).toBe("1 kind of alert is turned off.");
    await userEvent.click(screen.getByRole("button", { name: "Choose alerts" }));
    const dialog = screen.getByRole("dialog", { name: "Choose the alerts you receive" });
    expect(boxes(dialog)).toEqual([
      ["auto_block", true],
      ["support_block", true],
      ["unblocked", false],
      ["purge_finished", true],
      ["expiry_soon", true],
      ["daily_limit", true],
      ["daily_limit_reached", true],
    ]);
    // each kind says when it comes
    const reached = within(dialog).getByRole("checkbox", { name: "Daily limit reached" });
    const hint = document.getElementById(reached.getAttribute("aria-describedby") ?? "");
    expect(hint?.textContent).toBe(
      "The whole daily limit is used: further mail is refused until midnight UTC.",
    );

    await userEvent.click(reached);
    await userEvent.click(within(dialog).getByRole("checkbox", { name: "Unblocked" }));
    await userEvent.click(within(dialog).getByRole("checkbox", { name: "Daily limit at 80%" }));
    await userEvent.click(within(dialog).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(onNotice).toHaveBeenCalledWith("Your choice of alerts is saved."));
    expect(calls.map((c) => c.body)).toEqual([
      { alertsOff: ["daily_limit", "daily_limit_reached"] },
    ]);
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("keeps the dialog open with the server's refusal", async () => {
    mockFetch({ [put]: errorResponse(403, "forbidden", "Forbidden.") });
    const { onNotice } = setup([]);
    expect(screen.getByTestId("alerts-off").textContent).toBe("Every alert is sent.");
    await userEvent.click(screen.getByRole("button", { name: "Choose alerts" }));
    const dialog = screen.getByRole("dialog");
    await userEvent.click(within(dialog).getByRole("checkbox", { name: "Purge finished" }));
    await userEvent.click(within(dialog).getByRole("button", { name: "Save" }));
    expect((await within(dialog).findByRole("alert")).textContent).toContain(
      "You are not allowed to do this.",
    );
    expect(onNotice).not.toHaveBeenCalled();
  });

  it.each([
    ["fr", "2 types d’alerte sont désactivés.", "Blocage par le support", "Choisir les alertes"],
    ["pt", "2 tipos de alerta estão desativados.", "Bloqueio pelo suporte", "Escolher alertas"],
  ] as const)("speaks %s", async (locale, summary, supportBlock, change) => {
    mockFetch({});
    setup(["support_block", "expiry_soon"], locale);
    expect(screen.getByTestId("alerts-off").textContent).toBe(summary);
    await userEvent.click(screen.getByRole("button", { name: change }));
    const box = within(screen.getByRole("dialog")).getByRole("checkbox", { name: supportBlock });
    expect((box as HTMLInputElement).checked).toBe(false);
  });
});
