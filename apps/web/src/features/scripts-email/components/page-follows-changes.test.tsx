// @vitest-environment jsdom
import type { EmailStatus, StateChange } from "@scripts-email/contracts";
import { act } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { customer, emailStatus } from "../../../testing/fixtures.ts";
import { mockFetch, type RecordedCall, renderWithProviders } from "../../../testing/render.tsx";
import { FOLLOW_POLL_MS } from "../api/get-email-status.ts";
import { ScriptsEmailPage } from "./scripts-email-page.tsx";

const base = "/api/hostings/example.org/email";

const supportBlock = emailStatus({
  state: "blocked",
  blockedBy: "support",
  blockCause: "support",
  stateChangedAt: "2025-01-10T09:00:00.000Z",
  unblock: { allowed: false, reason: "blocked_by_support" },
});
const unblocked = emailStatus({ state: "active", stateChangedAt: "2025-01-10T09:05:00.000Z" });
const unblockChange: StateChange = {
  id: "0190a0b0-0000-7000-8000-0000000000c2",
  from: "blocked",
  to: "active",
  at: "2025-01-10T09:05:00.000Z",
  actorRole: "support",
  actorEmail: null,
  reason: "Customer fixed the form",
};

/** The page's API with a status that support changes "elsewhere" by calling `unblock`. */
function hostingApi() {
  let status: EmailStatus = supportBlock;
  let history: StateChange[] = [];
  const { calls } = mockFetch({
    [`GET ${base}`]: () => ({ body: status }),
    [`GET ${base}/history`]: () => ({ body: history }),
    [`GET ${base}/volumes`]: { body: [] },
    [`GET ${base}/errors`]: { body: [] },
    [`GET ${base}/reports`]: { body: [] },
    [`GET ${base}/messages`]: { body: { items: [], nextCursor: null } },
    [`GET ${base}/held/groups`]: { body: { items: [] } },
    [`GET ${base}/jobs`]: { body: { items: [] } },
  });
  const asked = (path: string) =>
    calls.filter((c: RecordedCall) => new URL(c.url, "http://localhost").pathname === path).length;
  return {
    unblock() {
      status = unblocked;
      history = [unblockChange];
    },
    statusCalls: () => asked(base),
    historyCalls: () => asked(`${base}/history`),
  };
}

function setVisibility(state: DocumentVisibilityState) {
  Object.defineProperty(document, "visibilityState", { value: state, configurable: true });
  document.dispatchEvent(new Event("visibilitychange"));
}

/** Lets the timers (the poll, React's scheduler) run for `ms` of fake time. */
async function wait(ms: number) {
  await act(() => vi.advanceTimersByTimeAsync(ms));
}

function badge() {
  return document.querySelector(".state-card .badge")?.textContent;
}

describe("the open page follows changes made elsewhere", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    setVisibility("visible");
    vi.useRealTimers();
  });

  it("shows support's unblock within one poll, with its history entry", async () => {
    const api = hostingApi();
    renderWithProviders(<ScriptsEmailPage serviceName="example.org" user={customer} />);
    await wait(100);
    expect(badge()).toBe("blocked");
    const historyBefore = api.historyCalls();

    api.unblock();
    await wait(FOLLOW_POLL_MS + 100);
    expect(badge()).toBe("active");
    // the state changed: the dependent sections are asked again
    expect(api.historyCalls()).toBeGreaterThan(historyBefore);
    expect(document.body.textContent).toMatch(/blocked → active/);
    expect(FOLLOW_POLL_MS).toBeLessThanOrEqual(5000);
  });

  it("does not ask while the page is hidden, and catches up when it is shown", async () => {
    const api = hostingApi();
    renderWithProviders(<ScriptsEmailPage serviceName="example.org" user={customer} />);
    await wait(100);
    setVisibility("hidden");
    const asked = api.statusCalls();
    api.unblock();
    await wait(FOLLOW_POLL_MS * 3);
    expect(api.statusCalls()).toBe(asked);
    expect(badge()).toBe("blocked");

    setVisibility("visible");
    await wait(FOLLOW_POLL_MS + 100);
    expect(api.statusCalls()).toBeGreaterThan(asked);
    expect(badge()).toBe("active");
  });

  it("does not ask again while nothing changes faster than the poll", async () => {
    const api = hostingApi();
    renderWithProviders(<ScriptsEmailPage serviceName="example.org" user={customer} />);
    await wait(100);
    const asked = api.statusCalls();
    const historyAsked = api.historyCalls();
    await wait(FOLLOW_POLL_MS * 2 + 100);
    expect(api.statusCalls()).toBe(asked + 2);
    // an unchanged status refreshes nothing else
    expect(api.historyCalls()).toBe(historyAsked);
  });
});
