// @vitest-environment jsdom
import type { SelectionJob } from "@scripts-email/contracts";
import { screen, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { mockFetch, renderWithProviders } from "../../../testing/render.tsx";
import { RecentActions } from "./recent-actions.tsx";

const jobs = "GET /api/hostings/example.org/email/jobs";

function job(overrides: Partial<SelectionJob>): SelectionJob {
  return {
    id: "0190a0b0-0000-7000-8000-00000000000c",
    action: "delete",
    filter: { script: "contact.php", status: ["held", "spam"] },
    reason: null,
    state: "finished",
    matched: 5,
    done: 5,
    actorRole: "customer",
    actorEmail: "customer@example.org",
    createdAt: "2025-01-10T10:00:00.000Z",
    finishedAt: "2025-01-10T10:00:05.000Z",
    ...overrides,
  };
}

describe("recent actions", () => {
  it("says who did what to which mail, and how far it went", async () => {
    mockFetch({
      [jobs]: {
        body: {
          items: [
            job({
              id: "0190a0b0-0000-7000-8000-00000000000d",
              action: "release",
              filter: { recipient: "@shop.example", subject: "Order", status: ["held"] },
              actorRole: "support",
              actorEmail: null,
              reason: "Orders checked",
              state: "running",
              matched: 120,
              done: 40,
            }),
            job({}),
          ],
        },
      },
    });
    renderWithProviders(<RecentActions serviceName="example.org" />);
    const section = await screen.findByRole("region", { name: "Recent actions" });
    const [, release, del] = within(section).getAllByRole("row");
    expect(within(release as HTMLElement).getByText("Support")).toBeTruthy();
    expect(within(release as HTMLElement).getByText("Release")).toBeTruthy();
    expect((release as HTMLElement).textContent).toContain(
      "to @shop.example · subject contains “Order” · held",
    );
    expect((release as HTMLElement).textContent).toContain("Reason: Orders checked");
    expect(within(release as HTMLElement).getByText("40 of 120")).toBeTruthy();
    expect(within(release as HTMLElement).getByText("running")).toBeTruthy();
    expect(within(del as HTMLElement).getByText("customer@example.org")).toBeTruthy();
    expect((del as HTMLElement).textContent).toContain("script contact.php · held, spam");
    expect(within(del as HTMLElement).getByText("finished")).toBeTruthy();
  });

  it("is not shown before the first action", async () => {
    const { calls } = mockFetch({ [jobs]: { body: { items: [] } } });
    renderWithProviders(<RecentActions serviceName="example.org" />);
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    expect(screen.queryByRole("heading", { name: "Recent actions" })).toBeNull();
  });
});
