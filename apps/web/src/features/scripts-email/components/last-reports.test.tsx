// @vitest-environment jsdom
import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { errorResponse, mockFetch, renderWithProviders } from "../../../testing/render.tsx";
import { LastReports } from "./last-reports.tsx";

const url = "GET /api/hostings/example.org/email/reports";

describe("Last reports", () => {
  it("lists the last reports with their day, recipient, errors and delivery status", async () => {
    const { calls } = mockFetch({
      [url]: {
        body: [
          { date: "2025-01-10", recipient: "reports@example.org", errors: 1234, status: "sent" },
          { date: "2025-01-09", recipient: "old@example.org", errors: 2, status: "failed" },
          { date: "2025-01-08", recipient: "old@example.org", errors: 1, status: "queued" },
        ],
      },
    });
    renderWithProviders(<LastReports serviceName="example.org" />);
    const table = await screen.findByRole("table", { name: "Last reports" });
    const rows = within(table).getAllByRole("row");
    expect(rows.map((r) => [...r.querySelectorAll("th, td")].map((c) => c.textContent))).toEqual([
      ["Day", "Sent to", "Errors", "Delivery"],
      ["10 January 2025", "reports@example.org", "1,234", "delivered"],
      ["9 January 2025", "old@example.org", "2", "not delivered"],
      ["8 January 2025", "old@example.org", "1", "on its way"],
    ]);
    expect(new URL(calls[0]!.url, "http://localhost").searchParams.get("limit")).toBe("7");
  });

  it("says why there is none yet, in the chosen language", async () => {
    mockFetch({ [url]: { body: [] } });
    renderWithProviders(<LastReports serviceName="example.org" />, { locale: "pt" });
    expect(
      await screen.findByText(/só é enviado um relatório após um dia com erros de entrega/),
    ).toBeTruthy();
    expect(screen.getByRole("heading", { name: "Últimos relatórios" })).toBeTruthy();
  });

  it("shows a failure to load", async () => {
    mockFetch({ [url]: errorResponse(500, "internal", "boom") });
    renderWithProviders(<LastReports serviceName="example.org" />);
    expect(await screen.findByRole("alert")).toBeTruthy();
  });
});
