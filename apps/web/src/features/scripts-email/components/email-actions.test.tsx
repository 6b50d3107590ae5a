// @vitest-environment jsdom
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { customer, emailStatus } from "../../../testing/fixtures.ts";
import { mockFetch, renderWithProviders } from "../../../testing/render.tsx";
import { EmailActions } from "./email-actions.tsx";

const requests = "POST /api/hostings/example.org/email/requests";

describe("the page's block, purge and unblock", () => {
  it("blocks once on a double click and says what happened", async () => {
    const { calls } = mockFetch({
      [requests]: { status: 202, body: emailStatus({ state: "blocked", blockedBy: "customer" }) },
    });
    const onNotice = vi.fn();
    renderWithProviders(
      <EmailActions
        serviceName="example.org"
        status={emailStatus({ state: "active" })}
        user={customer}
        onNotice={onNotice}
      />,
    );
    await userEvent.click(screen.getByRole("button", { name: "Block sending" }));
    await userEvent.dblClick(
      within(screen.getByRole("dialog")).getByRole("button", { name: "Block now" }),
    );
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(calls.filter((c) => c.method === "POST")).toHaveLength(1);
    expect(onNotice).toHaveBeenCalledTimes(1);
    expect(onNotice).toHaveBeenCalledWith("Sending is blocked. New mail is held for 72 hours.");
  });

  it("purges once on a double click and says the purge has started", async () => {
    const { calls } = mockFetch({
      [requests]: { status: 202, body: emailStatus({ state: "purging", blockedBy: "customer" }) },
    });
    const onNotice = vi.fn();
    renderWithProviders(
      <EmailActions
        serviceName="example.org"
        status={emailStatus({ state: "blocked", blockedBy: "customer", held: 3 })}
        user={customer}
        onNotice={onNotice}
      />,
    );
    await userEvent.click(screen.getByRole("button", { name: "Purge held mail" }));
    await userEvent.dblClick(
      within(screen.getByRole("dialog")).getByRole("button", { name: "Delete held mail" }),
    );
    await waitFor(() => expect(onNotice).toHaveBeenCalled());
    expect(calls.filter((c) => c.method === "POST")).toHaveLength(1);
    expect(onNotice).toHaveBeenCalledWith(
      "The purge has started. Sending resumes by itself in a few minutes.",
    );
  });
});
