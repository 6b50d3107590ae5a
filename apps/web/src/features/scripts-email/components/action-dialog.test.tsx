// @vitest-environment jsdom
import type { BlockCause, UserRole } from "@scripts-email/contracts";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { setCsrfToken } from "../../../lib/api-client.ts";
import { emailStatus } from "../../../testing/fixtures.ts";
import { errorResponse, mockFetch, renderWithProviders } from "../../../testing/render.tsx";
import { emailKeys } from "../api/email-keys.ts";
import { ActionDialog } from "./action-dialog.tsx";

const requests = "POST /api/hostings/example.org/email/requests";

function setup(
  role: UserRole,
  action: "block" | "purge" | "unblock" = "block",
  blockCause: BlockCause | null = null,
) {
  const onDone = vi.fn();
  const onClose = vi.fn();
  const view = renderWithProviders(
    <ActionDialog
      serviceName="example.org"
      action={action}
      role={role}
      status={{ held: 4, blockCause, spam: 0, heldScripts: [] }}
      onClose={onClose}
      onDone={onDone}
    />,
  );
  return { ...view, onDone, onClose, dialog: screen.getByRole("dialog") };
}

describe("confirmation dialog", () => {
  it("says what will happen", () => {
    const { dialog } = setup("customer", "block");
    expect(
      within(dialog).getByRole("heading", { name: "Block sending for example.org?" }),
    ).toBeTruthy();
    expect(dialog.textContent).toMatch(/held for 72 hours; nothing is deleted/);
  });

  it("explains purge and unblock too", () => {
    setup("customer", "purge");
    expect(screen.getByRole("dialog").textContent).toMatch(/deleted for good.*unblocked by itself/);
  });

  it("requires a reason from support before calling the API", async () => {
    const { calls } = mockFetch({
      [requests]: { status: 202, body: emailStatus({ state: "blocked", blockedBy: "support" }) },
    });
    setCsrfToken("csrf-support");
    const { onDone, dialog, queryClient } = setup("support");
    const reason = within(dialog).getByLabelText("Reason (required)");
    expect(reason.getAttribute("aria-required")).toBe("true");

    await userEvent.click(within(dialog).getByRole("button", { name: "Block now" }));
    expect(within(dialog).getByText("Enter a reason.")).toBeTruthy();
    expect(reason.getAttribute("aria-invalid")).toBe("true");
    expect(calls).toHaveLength(0);

    await userEvent.type(reason, "Spam complaints from the relay");
    await userEvent.click(within(dialog).getByRole("button", { name: "Block now" }));
    await waitFor(() => expect(onDone).toHaveBeenCalled());
    expect(calls[0]?.body).toEqual({ action: "block", reason: "Spam complaints from the relay" });
    expect(calls[0]?.headers["x-csrf-token"]).toBe("csrf-support");
    // the page shows the new state at once, from the 202 answer
    expect(queryClient.getQueryData(emailKeys.status("example.org"))).toMatchObject({
      state: "blocked",
    });
  });

  it("does not require a reason from the customer", async () => {
    const { calls } = mockFetch({
      [requests]: { status: 202, body: emailStatus({ state: "blocked", blockedBy: "customer" }) },
    });
    const { onDone, dialog } = setup("customer");
    expect(within(dialog).getByLabelText("Reason (optional)")).toBeTruthy();
    await userEvent.click(within(dialog).getByRole("button", { name: "Block now" }));
    await waitFor(() => expect(onDone).toHaveBeenCalledWith("block", expect.anything()));
    expect(calls[0]?.body).toEqual({ action: "block" });
  });

  it("sends a double-clicked confirmation once, before the button is rendered disabled", async () => {
    const { calls } = mockFetch({
      [requests]: { status: 202, body: emailStatus({ state: "blocked", blockedBy: "customer" }) },
    });
    const { onDone, dialog } = setup("customer", "block");
    const confirm = within(dialog).getByRole("button", { name: "Block now" });
    // two clicks in the same task: React has not re-rendered the button disabled in between
    fireEvent.click(confirm);
    fireEvent.click(confirm);
    await waitFor(() => expect(onDone).toHaveBeenCalledTimes(1));
    expect(calls.filter((c) => c.method === "POST")).toHaveLength(1);
    expect(within(dialog).queryByRole("alert")).toBeNull();
  });

  it("sends a purge double-clicked with the mouse once", async () => {
    const { calls } = mockFetch({
      [requests]: { status: 202, body: emailStatus({ state: "purging", blockedBy: "customer" }) },
    });
    const { onDone, dialog } = setup("customer", "purge");
    await userEvent.dblClick(within(dialog).getByRole("button", { name: "Delete held mail" }));
    await waitFor(() => expect(onDone).toHaveBeenCalledWith("purge", expect.anything()));
    expect(calls.filter((c) => c.method === "POST")).toHaveLength(1);
    expect(onDone).toHaveBeenCalledTimes(1);
  });

  it("lets the user try again after a refusal", async () => {
    let answer = errorResponse(503, "unavailable", "The service is busy; try again.");
    const { calls } = mockFetch({ [requests]: () => answer });
    const { onDone, dialog } = setup("customer", "block");
    const confirm = within(dialog).getByRole("button", { name: "Block now" });
    await userEvent.click(confirm);
    expect((await within(dialog).findByRole("alert")).textContent).toMatch(
      /temporarily unavailable/,
    );
    answer = { status: 202, body: emailStatus({ state: "blocked", blockedBy: "customer" }) };
    await userEvent.click(confirm);
    await waitFor(() => expect(onDone).toHaveBeenCalledTimes(1));
    expect(calls.filter((c) => c.method === "POST")).toHaveLength(2);
  });

  it("explains the day of relaxed bounce threshold when a bounce block is acknowledged", () => {
    const { dialog } = setup("customer", "unblock", "bounce");
    expect(dialog.textContent).toMatch(/For the next 24 hours the bounce threshold is doubled/);
  });

  it("shows a refusal from the server and stays open", async () => {
    mockFetch({
      [requests]: errorResponse(
        409,
        "blocked_by_support",
        "Sending was blocked by our support team. Please contact support to lift it.",
      ),
    });
    const { onDone, dialog } = setup("customer", "unblock");
    await userEvent.click(within(dialog).getByRole("button", { name: "Unblock and send" }));
    expect((await within(dialog).findByRole("alert")).textContent).toMatch(
      /blocked by our support team/,
    );
    expect(onDone).not.toHaveBeenCalled();
  });
});
