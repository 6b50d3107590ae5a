// @vitest-environment jsdom
import type { StateChange, UserRole } from "@scripts-email/contracts";
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { mockFetch, type RecordedCall, renderWithProviders } from "../../../testing/render.tsx";
import { StateTimeline } from "./state-timeline.tsx";

const history = "GET /api/hostings/example.org/email/history";
// the viewer's role, a prop (not an ARIA role)
const customer: UserRole = "customer";
const support: UserRole = "support";

/** `count` changes, newest first, alternately a block and an unblock. */
function changes(count: number): StateChange[] {
  return Array.from({ length: count }, (_, i) => {
    const n = count - i;
    return {
      id: `0190a0b0-0000-7000-8000-${String(n).padStart(12, "0")}`,
      from: n % 2 === 1 ? "active" : "blocked",
      to: n % 2 === 1 ? "blocked" : "active",
      at: new Date(Date.UTC(2025, 0, 1, 0, n)).toISOString(),
      actorRole: "customer",
      actorEmail: null,
      reason: `change ${n}`,
    };
  });
}

/** Answers as the API does: newest first, `limit` of them, older than `before`. */
function historyApi(all: StateChange[]) {
  return mockFetch({
    [history]: (call: RecordedCall) => {
      const query = new URL(call.url, "http://localhost").searchParams;
      const before = query.get("before");
      const start = before ? all.findIndex((c) => c.id === before) + 1 : 0;
      return { body: all.slice(start, start + Number(query.get("limit") ?? 200)) };
    },
  });
}

function shownReasons(): string[] {
  return within(screen.getByRole("list"))
    .getAllByRole("listitem")
    .map((item) => item.querySelector(".timeline-reason")?.textContent ?? "");
}

describe("the state history", () => {
  it("shows the last ten changes, then the older ones on request", async () => {
    const all = changes(12);
    const { calls } = historyApi(all);
    renderWithProviders(<StateTimeline serviceName="example.org" role={customer} />);
    expect(await screen.findByText("Reason: change 12")).toBeTruthy();
    expect(shownReasons()).toHaveLength(10);
    expect(screen.queryByText("Reason: change 2")).toBeNull();

    await userEvent.click(screen.getByRole("button", { name: "Show more" }));
    expect(await screen.findByText("Reason: change 1")).toBeTruthy();
    expect(shownReasons()).toEqual(all.map((c) => `Reason: ${c.reason}`));
    expect(screen.queryByRole("button", { name: "Show more" })).toBeNull();
    const asked = calls.map((c) => new URL(c.url, "http://localhost").searchParams);
    expect(asked.map((q) => q.get("before"))).toEqual([null, all[9]?.id]);
  });

  it("offers no more when ten or fewer changes exist", async () => {
    historyApi(changes(10));
    renderWithProviders(<StateTimeline serviceName="example.org" role={customer} />);
    expect(await screen.findByText("Reason: change 10")).toBeTruthy();
    expect(shownReasons()).toHaveLength(10);
    expect(screen.queryByRole("button", { name: "Show more" })).toBeNull();
  });

  it("names the states in Portuguese", async () => {
    historyApi(changes(12));
    renderWithProviders(<StateTimeline serviceName="example.org" role={customer} />, {
      locale: "pt",
    });
    expect(await screen.findByText("Motivo: change 12")).toBeTruthy();
    expect(screen.getAllByText(/^ativo → bloqueado/)).toHaveLength(5);
    expect(screen.getAllByText(/^bloqueado → ativo/)).toHaveLength(5);
    expect(screen.getByRole("button", { name: "Mostrar mais" })).toBeTruthy();
  });

  it("names the states in French", async () => {
    historyApi(changes(2));
    renderWithProviders(<StateTimeline serviceName="example.org" role={support} />, {
      locale: "fr",
    });
    expect(await screen.findByText(/^bloqué → actif/)).toBeTruthy();
    expect(screen.getByText(/^actif → bloqué/)).toBeTruthy();
    expect(document.body.textContent).not.toMatch(/\b(active|blocked|purging)\b/);
  });
});
