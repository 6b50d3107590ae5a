// @vitest-environment jsdom
import type { DailyVolume } from "@scripts-email/contracts";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { mockFetch, renderWithProviders } from "../../../testing/render.tsx";
import { VolumeChart, VolumeChartSection } from "./volume-chart.tsx";

function days(n: number, pick: (i: number) => Partial<DailyVolume> = () => ({})): DailyVolume[] {
  return Array.from({ length: n }, (_, i) => ({
    date: new Date(Date.UTC(2025, 0, 1 + i)).toISOString().slice(0, 10),
    sent: 0,
    errors: 0,
    ...pick(i),
  }));
}

describe("30-day chart", () => {
  it("has a text alternative that sums it up", () => {
    const volumes = days(30, (i) =>
      i === 9 ? { sent: 1200, errors: 7 } : { sent: 10, errors: 1 },
    );
    renderWithProviders(<VolumeChart volumes={volumes} />);
    const chart = screen.getByRole("list", {
      name: "Mail sent and errors per day over 30 days",
    });
    const descId = chart.getAttribute("aria-describedby") ?? "";
    expect(document.getElementById(descId)?.textContent).toBe(
      "Over 30 days: 1,490 sent and 36 errors. The busiest day was 10 January 2025, with 1,200 sent.",
    );
    expect(chart.querySelectorAll(".bar-sent")).toHaveLength(30);
  });

  it("offers the figures as a table, in the chosen language", () => {
    renderWithProviders(<VolumeChart volumes={days(3, (i) => ({ sent: i * 1000 }))} />, {
      locale: "fr",
    });
    const table = screen.getByRole("table", { hidden: true });
    const rows = within(table).getAllByRole("row", { hidden: true });
    expect(rows).toHaveLength(4);
    const cells = [...(rows[3]?.querySelectorAll("th, td") ?? [])].map((c) =>
      c.textContent?.replace(/\s/g, " "),
    );
    expect(cells).toEqual(["3 janvier 2025", "2 000", "0"]);
  });

  it("says when nothing was sent", () => {
    renderWithProviders(<VolumeChart volumes={days(30)} />);
    const descId = screen.getByRole("list").getAttribute("aria-describedby") ?? "";
    expect(document.getElementById(descId)?.textContent).toBe(
      "Over 30 days: no mail sent and no errors.",
    );
  });

  it("says each day's figures as text, reached with one tab stop and the arrows", async () => {
    renderWithProviders(
      <VolumeChart volumes={days(7, (i) => ({ sent: i * 10, errors: i === 6 ? 1 : 0 }))} />,
    );
    const bars = screen.getAllByRole("listitem");
    expect(bars).toHaveLength(7);
    // one tab stop: the latest day
    expect(bars.filter((b) => b.tabIndex === 0)).toEqual([bars[6]]);
    await userEvent.tab();
    expect(document.activeElement).toBe(bars[6]);
    expect(bars[6]?.textContent).toBe("7 Jan: 60 sent, 1 error");
    await userEvent.keyboard("{ArrowLeft}");
    expect(document.activeElement).toBe(bars[5]);
    expect(bars[5]?.textContent).toBe("6 Jan: 50 sent, 0 errors");
    await userEvent.keyboard("{Home}");
    expect(document.activeElement).toBe(bars[0]);
    expect(bars[0]?.tabIndex).toBe(0);
  });
});

describe("the chart's period", () => {
  it("asks for 7, 30 or 90 days", async () => {
    const { calls } = mockFetch({
      "GET /api/hostings/example.org/email/volumes": (call) => {
        const n = Number(new URL(call.url, "http://localhost").searchParams.get("days"));
        return { body: days(n, () => ({ sent: 1 })) };
      },
    });
    renderWithProviders(<VolumeChartSection serviceName="example.org" />, { locale: "fr" });
    expect(await screen.findAllByRole("listitem")).toHaveLength(30);
    const period = screen.getByRole("combobox", { name: "Période" });
    expect([...period.querySelectorAll("option")].map((o) => o.textContent)).toEqual([
      "7 derniers jours",
      "30 derniers jours",
      "90 derniers jours",
    ]);
    await userEvent.selectOptions(period, "90");
    await waitFor(() => expect(screen.getAllByRole("listitem")).toHaveLength(90));
    expect(calls.map((c) => new URL(c.url, "http://localhost").searchParams.get("days"))).toEqual([
      "30",
      "90",
    ]);
  });
});
