// @vitest-environment jsdom
import type { DeliveryError } from "@scripts-email/contracts";
import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { mockFetch, renderWithProviders } from "../../../testing/render.tsx";
import { DeliveryErrors } from "./delivery-errors.tsx";

const ERRORS: DeliveryError[] = [
  {
    date: "2025-01-10T10:05:00.000Z",
    recipient: "busy@dest.test",
    code: 451,
    message: "4.3.0 Try again later",
    outcome: "deferred",
  },
  {
    date: "2025-01-10T10:01:00.000Z",
    recipient: "gone@dest.test",
    code: 550,
    message: "5.1.1 User unknown",
    outcome: "failed",
  },
];

function show(locale?: "en" | "pt" | "fr") {
  mockFetch({ "GET /api/hostings/example.org/email/errors": { body: ERRORS } });
  renderWithProviders(<DeliveryErrors serviceName="example.org" />, locale ? { locale } : {});
}

describe("delivery errors", () => {
  it("marks deferrals apart from failures, the relay's code shown once", async () => {
    show();
    const region = await screen.findByRole("region", { name: "Delivery errors" });
    const table = await within(region).findByRole("table");
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows).toHaveLength(2);
    const [busy, gone] = rows as [HTMLElement, HTMLElement];
    expect(within(busy).getByText("deferred").className).toContain("status-deferred");
    expect(within(gone).getByText("failed").className).toContain("status-failed");
    expect(within(gone).getByText("550")).toBeTruthy();
    expect(within(gone).getByText("5.1.1 User unknown")).toBeTruthy();
    expect(table.textContent).not.toContain("550 550");
    // the recipient breaks only after @ and dots, never mid-word
    expect(within(gone).getByText("gone@dest.test").innerHTML).toBe("gone@<wbr>dest.<wbr>test");
    expect(
      within(region).getByText(
        "Deferred: refused for now and tried again. Failed: refused for good.",
      ),
    ).toBeTruthy();
  });

  it("names the outcomes in Portuguese and French", async () => {
    show("pt");
    expect(await screen.findByText("adiada")).toBeTruthy();
    expect(screen.getByText("falhada")).toBeTruthy();
  });

  it("offers every failed and deferred attempt as a CSV download", async () => {
    mockFetch({ "GET /api/hostings/example.org/email/errors": { body: [] } });
    renderWithProviders(<DeliveryErrors serviceName="example.org" />);
    const link = await screen.findByRole("link", { name: "Export CSV" });
    expect(link.getAttribute("href")).toBe("/api/hostings/example.org/email/errors.csv");
    expect(link.hasAttribute("download")).toBe(true);
  });
});
