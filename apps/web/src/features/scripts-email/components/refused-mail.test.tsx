// @vitest-environment jsdom
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { mockFetch, renderWithProviders } from "../../../testing/render.tsx";
import { RefusedMail } from "./refused-mail.tsx";

const url = "/api/hostings/example.org/email/refusals";

describe("refused mail", () => {
  it("lists refusals per day, script and reason in words, explains each reason once", async () => {
    const { calls } = mockFetch({
      [`GET ${url}`]: {
        body: {
          items: [
            { date: "2025-01-10", script: "contact.php", reason: "daily_limit", count: 120 },
            { date: "2025-01-10", script: "smtp", reason: "auth", count: 3 },
            { date: "2025-01-09", script: "news.php", reason: "daily_limit", count: 1 },
          ],
          total: 124,
          truncated: false,
        },
      },
    });
    renderWithProviders(<RefusedMail serviceName="example.org" />);
    const table = await screen.findByRole("table", { name: "Refused mail" });
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows).toHaveLength(3);
    expect(within(rows[0]!).getByText("contact.php")).toBeTruthy();
    expect(within(rows[0]!).getByText("Daily limit reached")).toBeTruthy();
    expect(within(rows[0]!).getByText("120")).toBeTruthy();
    expect(within(rows[1]!).getByText("Failed authentication")).toBeTruthy();
    expect(screen.getByText("124 submissions refused in the last 7 days.")).toBeTruthy();
    // each reason explained once below the table
    expect(screen.getAllByText(/should try again after midnight UTC/)).toHaveLength(1);
    expect(screen.getAllByText(/wrong password/)).toHaveLength(1);
    expect(calls[0]!.url).toContain("days=7");

    await userEvent.selectOptions(screen.getByLabelText("Period"), "1");
    await waitFor(() => expect(calls.at(-1)!.url).toContain("days=1"));
  });

  it("says when nothing was refused, and when the list is cut", async () => {
    let truncated = false;
    mockFetch({
      [`GET ${url}`]: () => ({
        body: truncated
          ? {
              items: [{ date: "2025-01-10", script: "smtp", reason: "suppressed", count: 2 }],
              total: 900,
              truncated: true,
            }
          : { items: [], total: 0, truncated: false },
      }),
    });
    renderWithProviders(<RefusedMail serviceName="example.org" />);
    expect(await screen.findByText("Nothing refused in the last 7 days.")).toBeTruthy();
    truncated = true;
    await userEvent.selectOptions(screen.getByLabelText("Period"), "30");
    expect(await screen.findByText("Only the newest row is shown.")).toBeTruthy();
    // in its row and in the legend that explains it
    expect(screen.getAllByText("Recipient on the suppression list")).toHaveLength(2);
  });
});
