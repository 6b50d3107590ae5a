// @vitest-environment jsdom
import type { HostingList } from "@scripts-email/contracts";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fleetSummary, hostingSummary } from "../../../testing/fixtures.ts";
import {
  errorResponse,
  mockFetch,
  type RecordedCall,
  renderWithProviders,
} from "../../../testing/render.tsx";
import { FleetPage } from "./fleet-page.tsx";

const blocked = hostingSummary({
  serviceName: "shop.example.org",
  ownerEmail: "owner@shop.test",
  state: "blocked",
  cause: "bounce",
  stateChangedAt: "2025-01-10T09:30:00.000Z",
  stateChangedBy: { role: "system", email: null },
  counters: {
    accepted: 1200,
    sent: 900,
    failed: 300,
    held: 40,
    spam: 2,
    refused: 5,
    bounceRatio: 0.25,
  },
});
const byHand = hostingSummary({
  serviceName: "blog.example.org",
  state: "blocked",
  cause: "support",
  stateChangedBy: { role: "support", email: "sofia@support.test" },
});

const summary = fleetSummary({
  hostings: {
    total: 12,
    byState: { active: 10, blocked: 2, purging: 0 },
    byCause: { customer: 0, support: 1, burst: 0, bounce: 1, spam: 0 },
  },
  lastHour: { accepted: 50, sent: 40, failed: 3, held: 7, spam: 1, refused: 2 },
  lastDay: { accepted: 5000, sent: 4800, failed: 90, held: 7, spam: 4, refused: 11 },
  queue: {
    queued: 8,
    held: 47,
    oldestQueuedAt: "2025-01-10T06:48:00.000Z",
    oldestQueuedAgeSeconds: 3 * 3600 + 12 * 60,
  },
  relay: {
    configured: true,
    lastSuccessAt: "2025-01-10T09:40:00.000Z",
    lastFailureAt: "2025-01-10T09:55:00.000Z",
    lastError: "connect ECONNREFUSED 10.0.0.5:25",
    successesLastHour: 30,
    failuresLastHour: 4,
  },
  spamScanner: {
    configured: false,
    lastSuccessAt: null,
    lastFailureAt: null,
    lastError: null,
    successesLastHour: 0,
    failuresLastHour: 0,
  },
});

function fleetApi(list: HostingList = { items: [blocked, byHand], total: 2 }) {
  const { calls } = mockFetch({
    "GET /api/hostings": { body: list },
    "GET /api/fleet/summary": { body: summary },
  });
  /** The query of the last call for the table. */
  const lastListQuery = () => {
    const call = calls.filter((c: RecordedCall) => c.url.startsWith("/api/hostings")).at(-1);
    return new URL(call?.url ?? "", "http://localhost").searchParams;
  };
  return { calls, lastListQuery };
}

function region(name: string) {
  return screen.getByRole("region", { name });
}

describe("support's fleet view", () => {
  beforeEach(() => window.history.replaceState(null, "", "/"));
  afterEach(() => window.history.replaceState(null, "", "/"));

  it("shows the counts: hostings by state and cause, mail, queue, relay and scanner", async () => {
    fleetApi();
    renderWithProviders(<FleetPage />);
    // the first render of the file also loads its modules: on a busy machine that takes a while
    await screen.findByRole("heading", { name: "Hostings by state" }, { timeout: 5000 });

    const states = region("Hostings by state");
    expect(within(states).getByRole("link", { name: "2" }).getAttribute("href")).toBe(
      "/?state=blocked",
    );
    const causes = region("Blocked, by cause");
    const bounce = within(causes).getByText("Too many messages bounced").closest(".counter");
    expect(
      within(bounce as HTMLElement)
        .getByRole("link")
        .getAttribute("href"),
    ).toBe("/?state=blocked&cause=bounce");
    expect(within(bounce as HTMLElement).getByRole("link").textContent).toBe("1");

    const mail = within(region("Mail of all hostings")).getAllByRole("row");
    expect(mail[1]?.textContent).toBe("Last hour50403712");
    expect(mail[2]?.textContent).toBe("Last 24 hours5,0004,800907411");

    const queue = region("Queue");
    expect(queue.textContent).toContain("Waiting to be relayed8");
    expect(queue.textContent).toContain("Held47");
    expect(queue.textContent).toContain("Oldest waiting for3 h 12 min");

    const relay = region("Upstream relay");
    expect(within(relay).getByText("Failing").dataset.condition).toBe("failing");
    expect(relay.textContent).toContain("4 failures in the last hour");
    expect(relay.textContent).toContain("connect ECONNREFUSED 10.0.0.5:25");
    expect(relay.textContent).toMatch(/Last success: 10 Jan 2025/);
    const scanner = region("Spam scanner");
    expect(within(scanner).getByText("Not configured")).toBeTruthy();
    expect(scanner.textContent).not.toContain("failure");
  });

  it("lists each hosting with its state, cause, who changed it and the window's counters", async () => {
    fleetApi();
    renderWithProviders(<FleetPage />);
    const table = await screen.findByRole("table", { name: "List of hostings" });
    expect(screen.getByText("2 hostings match")).toBeTruthy();
    const [, first, second] = within(table).getAllByRole("row");
    const shop = within(first as HTMLElement);
    expect(shop.getByRole("link", { name: "shop.example.org" }).getAttribute("href")).toBe(
      "/hostings/shop.example.org",
    );
    expect(shop.getByText("blocked").dataset.state).toBe("blocked");
    expect(shop.getByText("Too many messages bounced")).toBeTruthy();
    expect(first?.textContent).toContain("automatically");
    const cells = shop.getAllByRole("cell").map((c) => c.textContent);
    expect(cells.slice(-7)).toEqual(["1,200", "900", "300", "40", "2", "5", "25%"]);
    expect(second?.textContent).toContain("by support (sofia@support.test)");
    expect(second?.textContent).toContain("Blocked by our support team");
    // the default sort is the latest change, marked on its column
    expect(within(table).getByRole("columnheader", { name: "Changed" }).ariaSort).toBe(
      "descending",
    );
  });

  it("takes its filters from the address and keeps each choice there", async () => {
    window.history.replaceState(null, "", "/?state=blocked&cause=bounce&window=1h");
    const api = fleetApi();
    renderWithProviders(<FleetPage />);
    await screen.findByRole("table", { name: "List of hostings" });
    expect(Object.fromEntries(api.lastListQuery())).toEqual({
      state: "blocked",
      cause: "bounce",
      sort: "stateChangedAt",
      window: "1h",
      limit: "50",
      offset: "0",
    });
    const form = screen.getByRole("form", { name: "Filter and sort the hostings" });
    expect((within(form).getByLabelText("State") as HTMLSelectElement).value).toBe("blocked");
    expect((within(form).getByLabelText("Counters over") as HTMLSelectElement).value).toBe("1h");

    await userEvent.selectOptions(within(form).getByLabelText("Sort by"), "Most sent");
    expect(window.location.search).toBe("?state=blocked&cause=bounce&sort=sent&window=1h");
    await waitFor(() => expect(api.lastListQuery().get("sort")).toBe("sent"));
    const table = screen.getByRole("table", { name: "List of hostings" });
    expect(within(table).getByRole("columnheader", { name: "Sent" }).ariaSort).toBe("descending");

    await userEvent.selectOptions(within(form).getByLabelText("Block cause"), "All causes");
    await userEvent.selectOptions(within(form).getByLabelText("State"), "All");
    expect(window.location.search).toBe("?sort=sent&window=1h");

    await userEvent.type(
      screen.getByLabelText("Search by service name or owner e-mail"),
      "owner@shop.test",
    );
    await userEvent.click(screen.getByRole("button", { name: "Search" }));
    expect(window.location.search).toBe("?q=owner%40shop.test&sort=sent&window=1h");
    await waitFor(() => expect(api.lastListQuery().get("q")).toBe("owner@shop.test"));
  });

  it("pages through the hostings by offset, the page in the address", async () => {
    const api = fleetApi({ items: [blocked], total: 120 });
    renderWithProviders(<FleetPage />);
    const pager = await screen.findByRole("navigation", { name: "Pages of hostings" });
    expect(within(pager).getByText("Page 1")).toBeTruthy();
    await userEvent.click(within(pager).getByRole("button", { name: "Next page" }));
    expect(window.location.search).toBe("?page=2");
    await waitFor(() => expect(api.lastListQuery().get("offset")).toBe("50"));
    await userEvent.click(within(pager).getByRole("button", { name: "Next page" }));
    await waitFor(() => expect(api.lastListQuery().get("offset")).toBe("100"));
    expect(
      (within(pager).getByRole("button", { name: "Next page" }) as HTMLButtonElement).disabled,
    ).toBe(true);
    // a new filter starts again at the first page
    await userEvent.selectOptions(screen.getByLabelText("State"), "Blocked");
    expect(window.location.search).toBe("?state=blocked");
  });

  it("says when nothing matches, with a way back to every hosting", async () => {
    window.history.replaceState(null, "", "/?state=purging&sort=held");
    fleetApi({ items: [], total: 0 });
    renderWithProviders(<FleetPage />);
    expect(await screen.findByText(/No hosting matches these filters\./)).toBeTruthy();
    expect(screen.queryByRole("table", { name: "List of hostings" })).toBeNull();
    expect(screen.getByRole("link", { name: "Clear the filters" }).getAttribute("href")).toBe(
      "/?sort=held",
    );
  });

  it("shows the server's failure in words, for the counts and for the table", async () => {
    mockFetch({
      "GET /api/hostings": errorResponse(503, "unavailable", "Unavailable"),
      "GET /api/fleet/summary": errorResponse(503, "unavailable", "Unavailable"),
    });
    renderWithProviders(<FleetPage />);
    await waitFor(() => expect(screen.getAllByRole("alert")).toHaveLength(2));
    for (const alert of screen.getAllByRole("alert")) {
      expect(alert.textContent).toBe(
        "The service is temporarily unavailable. Try again in a moment.",
      );
    }
  });

  it("reads in French, with its digits and plurals", async () => {
    fleetApi();
    renderWithProviders(<FleetPage />, { locale: "fr" });
    const table = await screen.findByRole("table", { name: "Liste des hébergements" });
    expect(screen.getByText("2 hébergements correspondent")).toBeTruthy();
    const cells = within(within(table).getAllByRole("row")[1] as HTMLElement)
      .getAllByRole("cell")
      .map((c) => c.textContent);
    expect(cells.slice(-7)).toEqual(["1\u202f200", "900", "300", "40", "2", "5", "25 %"]);
    expect(region("Relais").textContent).toContain("4 échecs dans la dernière heure");
    expect(within(region("Analyseur de spam")).getByText("Non configuré")).toBeTruthy();
  });
});
