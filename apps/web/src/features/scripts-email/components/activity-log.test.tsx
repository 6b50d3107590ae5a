// @vitest-environment jsdom
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { mockFetch, renderWithProviders } from "../../../testing/render.tsx";
import { ActivityLog } from "./activity-log.tsx";

const url = "GET /api/hostings/example.org/audit";

const entry = (i: number, over: object = {}) => ({
  at: new Date(Date.UTC(2026, 2, 10, 12, 0, 0) - i * 60_000).toISOString(),
  actorEmail: "owner@example.org",
  actorRole: "customer",
  action: "email.report_recipient",
  reason: null,
  ...over,
});

describe("activity log", () => {
  it("names support as Support, translates actions, and reads more on demand", async () => {
    const all = [
      entry(0, {
        actorEmail: null,
        actorRole: "support",
        action: "hosting.smtp_password",
        reason: "asked by phone",
      }),
      ...Array.from({ length: 14 }, (_, i) => entry(i + 1)),
    ];
    const { calls } = mockFetch({
      [url]: (call) => {
        const limit = Number(new URL(call.url, "http://x").searchParams.get("limit"));
        return { body: all.slice(0, limit) };
      },
    });
    renderWithProviders(<ActivityLog serviceName="example.org" />);
    const table = await screen.findByRole("table", { name: "Activity log" });
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows).toHaveLength(10);
    expect(rows[0]!.textContent).toContain("Support");
    expect(rows[0]!.textContent).toContain("made a new SMTP password");
    expect(rows[0]!.textContent).toContain("asked by phone");
    expect(rows[1]!.textContent).toContain("changed the report recipient");
    // an address breaks only after @ and dots, never mid-word
    expect(within(rows[1]!).getByText("owner@example.org").innerHTML).toBe(
      "owner@<wbr>example.<wbr>org",
    );
    await userEvent.click(screen.getByRole("button", { name: "Show more activity" }));
    await waitFor(() =>
      expect(
        within(screen.getByRole("table", { name: "Activity log" })).getAllByRole("row"),
      ).toHaveLength(16),
    );
    expect(calls.map((c) => new URL(c.url, "http://x").searchParams.get("limit"))).toEqual([
      "10",
      "50",
    ]);
    // everything is shown: no more to read
    expect(screen.queryByRole("button", { name: "Show more activity" })).toBeNull();
  });

  it("reads in Portuguese", async () => {
    mockFetch({ [url]: { body: [entry(0, { actorEmail: null, actorRole: "support" })] } });
    renderWithProviders(<ActivityLog serviceName="example.org" />, { locale: "pt" });
    const table = await screen.findByRole("table", { name: "Registo de atividade" });
    expect(table.textContent).toContain("Suporte");
  });
});
