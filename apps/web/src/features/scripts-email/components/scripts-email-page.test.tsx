// @vitest-environment jsdom
import type { EmailStatus } from "@scripts-email/contracts";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { customer, emailStatus, support } from "../../../testing/fixtures.ts";
import { type MockResponse, mockFetch, renderWithProviders } from "../../../testing/render.tsx";
import { ScriptsEmailPage } from "./scripts-email-page.tsx";

const base = "/api/hostings/example.org/email";

function routes(
  status: () => EmailStatus,
  extra: Record<string, MockResponse | (() => MockResponse)> = {},
) {
  return {
    [`GET ${base}`]: () => ({ body: status() }),
    [`GET ${base}/history`]: { body: [] },
    [`GET ${base}/volumes`]: { body: [] },
    [`GET ${base}/errors`]: { body: [] },
    [`GET ${base}/reports`]: { body: [] },
    [`GET ${base}/held/groups`]: { body: { items: [] } },
    [`GET ${base}/jobs`]: { body: { items: [] } },
    [`GET ${base}/suppressions`]: { body: { items: [], nextCursor: null } },
    "GET /api/hostings/example.org/sender-domains": {
      body: { serviceName: "example.org", domains: [] },
    },
    [`GET ${base}/messages`]: {
      body: {
        items: [
          {
            id: "0190a0b0-0000-7000-8000-000000000001",
            acceptedAt: "2025-01-10T10:00:00.000Z",
            from: "www@example.org",
            to: ["alice@example.net"],
            subject: "Contact form",
            size: 2048,
            status: "held",
            script: "contact.php",
            spam: false,
            attempts: 0,
            expiresAt: new Date(Date.now() + 50 * 3600_000 + 60_000).toISOString(),
            nextAttemptAt: null,
          },
        ],
        nextCursor: null,
      },
    },
    ...extra,
  };
}

describe("Scripts-email page", () => {
  it("shows a support block to the customer as such, with unblock disabled", async () => {
    mockFetch(
      routes(() =>
        emailStatus({
          state: "blocked",
          blockedBy: "support",
          blockCause: "support",
          unblock: { allowed: false, reason: "blocked_by_support" },
          stateReason: "Phishing reported",
          held: 1,
        }),
      ),
    );
    renderWithProviders(<ScriptsEmailPage serviceName="example.org" user={customer} />);
    expect(await screen.findByText("our support team")).toBeTruthy();
    expect(screen.getByText("Phishing reported")).toBeTruthy();
    expect(screen.getByText(/Only support can lift this block/)).toBeTruthy();
    expect(
      (screen.getByRole("button", { name: "Unblock sending" }) as HTMLButtonElement).disabled,
    ).toBe(true);
    // the held message, with the time left before it expires
    const table = await screen.findByRole("table", { name: "Held and queued mail" });
    expect(within(table).getByText("2 d 2 h")).toBeTruthy();
  });

  it("reflects a block at once and says it worked", async () => {
    let state = emailStatus();
    mockFetch(
      routes(() => state, {
        [`POST ${base}/requests`]: () => {
          state = emailStatus({ state: "blocked", blockedBy: "support", stateReason: "abuse" });
          return { status: 202, body: state };
        },
      }),
    );
    renderWithProviders(<ScriptsEmailPage serviceName="example.org" user={support} />);
    await userEvent.click(await screen.findByRole("button", { name: "Block sending" }));
    const dialog = screen.getByRole("dialog");
    await userEvent.type(within(dialog).getByLabelText("Reason (required)"), "abuse");
    await userEvent.click(within(dialog).getByRole("button", { name: "Block now" }));

    expect(await screen.findByText(/Sending is blocked\. New mail is held/)).toBeTruthy();
    expect(screen.queryByRole("dialog")).toBeNull();
    const badge = document.querySelector(".state-card .badge");
    expect(badge?.textContent).toBe("blocked");
    expect(
      (screen.getByRole("button", { name: "Purge held mail" }) as HTMLButtonElement).disabled,
    ).toBe(false);
  });

  it("polls while purging until the hosting is active again", async () => {
    let calls = 0;
    mockFetch(
      routes(() =>
        ++calls === 1
          ? emailStatus({ state: "purging", blockedBy: "customer", held: 3 })
          : emailStatus(),
      ),
    );
    renderWithProviders(<ScriptsEmailPage serviceName="example.org" user={customer} />);
    expect(await screen.findByText(/This takes a few minutes/)).toBeTruthy();
    await waitFor(
      () =>
        expect(screen.getByText("The purge is finished: sending is active again.")).toBeTruthy(),
      {
        timeout: 5000,
      },
    );
    expect(document.querySelector(".state-card .badge")?.textContent).toBe("active");
  });
});
