// @vitest-environment jsdom
import type { FleetSummary, HostingList } from "@scripts-email/contracts";
import { act, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fleetSummary, hostingSummary } from "../../../testing/fixtures.ts";
import { mockFetch, type RecordedCall, renderWithProviders } from "../../../testing/render.tsx";
import { FLEET_POLL_MS } from "../api/get-fleet-summary.ts";
import { FleetPage } from "./fleet-page.tsx";

const quiet = fleetSummary();
const afterBlock = fleetSummary({
  hostings: {
    total: 3,
    byState: { active: 2, blocked: 1, purging: 0 },
    byCause: { customer: 0, support: 1, burst: 0, bounce: 0, spam: 0 },
  },
});

/** The fleet's API, where support blocks a hosting "elsewhere" by calling `block`. */
function fleetApi() {
  let summary: FleetSummary = quiet;
  let list: HostingList = { items: [hostingSummary()], total: 1 };
  const { calls } = mockFetch({
    "GET /api/hostings": () => ({ body: list }),
    "GET /api/fleet/summary": () => ({ body: summary }),
  });
  const asked = (path: string) =>
    calls.filter((c: RecordedCall) => new URL(c.url, "http://localhost").pathname === path).length;
  return {
    block() {
      summary = afterBlock;
      list = {
        items: [
          hostingSummary({
            state: "blocked",
            cause: "support",
            stateChangedAt: "2025-01-10T10:00:00.000Z",
            stateChangedBy: { role: "support", email: "sofia@support.test" },
          }),
        ],
        total: 1,
      };
    },
    summaryCalls: () => asked("/api/fleet/summary"),
    listCalls: () => asked("/api/hostings"),
  };
}

function setVisibility(state: DocumentVisibilityState) {
  Object.defineProperty(document, "visibilityState", { value: state, configurable: true });
  document.dispatchEvent(new Event("visibilitychange"));
}

async function wait(ms: number) {
  await act(() => vi.advanceTimersByTimeAsync(ms));
}

const blockedCount = () =>
  within(screen.getByRole("region", { name: "Hostings by state" }))
    .getByText("Blocked")
    .closest(".counter")
    ?.querySelector("dd")?.textContent;

const rowState = () =>
  screen.getByRole("table", { name: "List of hostings" }).querySelector("tbody .badge")
    ?.textContent;

describe("the fleet view follows changes without a reload", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    window.history.replaceState(null, "", "/");
  });
  afterEach(() => {
    setVisibility("visible");
    vi.useRealTimers();
  });

  it("shows a block made elsewhere in the counts and the table within one poll", async () => {
    const api = fleetApi();
    renderWithProviders(<FleetPage />);
    await wait(100);
    expect(blockedCount()).toBe("0");
    expect(rowState()).toBe("active");

    api.block();
    await wait(FLEET_POLL_MS + 100);
    expect(blockedCount()).toBe("1");
    expect(rowState()).toBe("blocked");
    expect(
      screen.getByText("Blocked by our support team", { selector: ".fleet-cause" }),
    ).toBeTruthy();
    expect(FLEET_POLL_MS).toBeLessThanOrEqual(10_000);
  });

  it("asks both endpoints once per poll, and not at all while the tab is hidden", async () => {
    const api = fleetApi();
    renderWithProviders(<FleetPage />);
    await wait(100);
    const [summaries, lists] = [api.summaryCalls(), api.listCalls()];
    await wait(FLEET_POLL_MS * 2 + 100);
    expect(api.summaryCalls()).toBe(summaries + 2);
    expect(api.listCalls()).toBe(lists + 2);

    setVisibility("hidden");
    const hiddenAt = [api.summaryCalls(), api.listCalls()];
    api.block();
    await wait(FLEET_POLL_MS * 3);
    expect([api.summaryCalls(), api.listCalls()]).toEqual(hiddenAt);
    expect(blockedCount()).toBe("0");

    setVisibility("visible");
    await wait(FLEET_POLL_MS + 100);
    expect(blockedCount()).toBe("1");
    expect(rowState()).toBe("blocked");
  });
});
