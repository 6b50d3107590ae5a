// @vitest-environment jsdom
import type { DailyVolume } from "@scripts-email/contracts";
import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { renderWithProviders } from "../../../testing/render.tsx";
import { VolumeChart } from "./volume-chart.tsx";

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
    const chart = screen.getByRole("img", {
      name: "Mail sent and errors per day over 30 days",
    });
    const descId = chart.getAttribute("aria-describedby") ?? "";
    expect(document.getElementById(descId)?.textContent).toBe(
      "Over 30 days: 1,490 sent and 36 errors. The busiest day was 10 January 2025, with 1,200 sent.",
    );
    expect(chart.querySelectorAll("rect.bar-sent")).toHaveLength(30);
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
    const descId = screen.getByRole("img").getAttribute("aria-describedby") ?? "";
    expect(document.getElementById(descId)?.textContent).toBe(
      "Over 30 days: no mail sent and no errors.",
    );
  });
});
