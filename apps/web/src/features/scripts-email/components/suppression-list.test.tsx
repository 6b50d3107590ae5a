// @vitest-environment jsdom
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import {
  errorResponse,
  mockFetch,
  type RecordedCall,
  renderWithProviders,
} from "../../../testing/render.tsx";
import { SuppressionList } from "./suppression-list.tsx";
import { TestEmailDialog } from "./test-email-dialog.tsx";

const url = "/api/hostings/example.org/email/suppressions";

const entry = (address: string) => ({
  address,
  reason: `550 5.1.1 <${address}>: Recipient address rejected: User unknown`,
  addedAt: "2026-11-20T10:00:00.000Z",
  expiresAt: "2026-12-20T10:00:00.000Z",
});

function setup(role: "customer" | "support") {
  const onNotice = vi.fn();
  renderWithProviders(
    <SuppressionList serviceName="example.org" role={role} onNotice={onNotice} />,
  );
  return { onNotice };
}

const query = (call: RecordedCall) => new URL(call.url, "http://localhost").searchParams;

describe("suppression list section", () => {
  it("explains an empty list", async () => {
    mockFetch({ [`GET ${url}`]: { body: { items: [], nextCursor: null } } });
    setup("customer");
    expect(await screen.findByTestId("suppressions-empty")).toBeTruthy();
    expect(
      screen.getByText(/When the receiving server says an address does not exist/),
    ).toBeTruthy();
    expect(screen.queryByRole("table")).toBeNull();
  });

  it("lists entries with their reply and dates, searches, and pages", async () => {
    const { calls } = mockFetch({
      [`GET ${url}`]: (call) => {
        const q = query(call).get("q");
        if (q === "zzz") return { body: { items: [], nextCursor: null } };
        if (q) return { body: { items: [entry("bob@dest.test")], nextCursor: null } };
        if (query(call).get("cursor") === "c2") {
          return { body: { items: [entry("carol@dest.test")], nextCursor: null } };
        }
        return { body: { items: [entry("alice@dest.test")], nextCursor: "c2" } };
      },
    });
    setup("customer");
    const table = await screen.findByRole("table", { name: "Suppression list" });
    expect(within(table).getByText("alice@dest.test")).toBeTruthy();
    expect(
      within(table).getByText(
        "550 5.1.1 <alice@dest.test>: Recipient address rejected: User unknown",
      ),
    ).toBeTruthy();
    expect(
      within(table)
        .getAllByRole("columnheader")
        .map((h) => h.textContent),
    ).toEqual(["Address", "Server reply", "Since", "Until", "Actions"]);

    await userEvent.click(screen.getByRole("button", { name: "Next page" }));
    expect(await screen.findByText("carol@dest.test")).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "Previous page" }));
    expect(await screen.findByText("alice@dest.test")).toBeTruthy();

    await userEvent.type(screen.getByLabelText("Address contains"), "bob");
    await userEvent.click(screen.getByRole("button", { name: "Search" }));
    expect(await screen.findByText("bob@dest.test")).toBeTruthy();
    expect(query(calls.at(-1)!).get("q")).toBe("bob");

    await userEvent.clear(screen.getByLabelText("Address contains"));
    await userEvent.type(screen.getByLabelText("Address contains"), "zzz{Enter}");
    expect(await screen.findByText("No address contains “zzz”.")).toBeTruthy();
  });

  it("removes an entry after a confirmation, once, and says so", async () => {
    let items = [entry("alice@dest.test"), entry("bob@dest.test")];
    const { calls } = mockFetch({
      [`GET ${url}`]: () => ({ body: { items, nextCursor: null } }),
      [`DELETE ${url}/alice%40dest.test`]: () => {
        items = items.filter((i) => i.address !== "alice@dest.test");
        return { status: 204 };
      },
    });
    const { onNotice } = setup("customer");
    await userEvent.click(await screen.findByRole("button", { name: "Remove alice@dest.test" }));
    const dialog = screen.getByRole("dialog", { name: "Remove alice@dest.test from the list?" });
    expect(
      within(dialog).getByText(/Mail to alice@dest\.test will be accepted again/),
    ).toBeTruthy();
    const confirm = within(dialog).getByRole("button", { name: "Remove from the list" });
    await userEvent.dblClick(confirm);
    await waitFor(() => expect(onNotice).toHaveBeenCalled());
    expect(onNotice.mock.calls[0]![0]).toBe(
      "alice@dest.test was removed from the suppression list: mail to it is accepted again.",
    );
    const deletes = calls.filter((c) => c.method === "DELETE");
    expect(deletes).toHaveLength(1);
    expect(deletes[0]!.body).toEqual({});
    await waitFor(() => expect(screen.queryByText("alice@dest.test")).toBeNull());
    expect(screen.getByText("bob@dest.test")).toBeTruthy();
  });

  it("asks support for a reason, and shows the server's refusal", async () => {
    const { calls } = mockFetch({
      [`GET ${url}`]: { body: { items: [entry("alice@dest.test")], nextCursor: null } },
      [`DELETE ${url}/alice%40dest.test`]: errorResponse(404, "not_found", "Not found."),
    });
    const { onNotice } = setup("support");
    await userEvent.click(await screen.findByRole("button", { name: "Remove alice@dest.test" }));
    const dialog = screen.getByRole("dialog");
    const confirm = within(dialog).getByRole("button", { name: "Remove from the list" });
    await userEvent.click(confirm);
    expect(within(dialog).getByText("Enter a reason.")).toBeTruthy();
    expect(calls.filter((c) => c.method === "DELETE")).toHaveLength(0);
    await userEvent.type(within(dialog).getByLabelText("Reason (required)"), "Ticket 7");
    await userEvent.click(confirm);
    expect(await within(dialog).findByText("Not found.")).toBeTruthy();
    expect(calls.filter((c) => c.method === "DELETE")[0]!.body).toEqual({ reason: "Ticket 7" });
    expect(onNotice).not.toHaveBeenCalled();
  });

  it("shows why the test mail to an address on the list is refused", async () => {
    const message =
      "gone@dest.test is on this hosting's suppression list since 2026-11-20 after a permanent " +
      "failure; remove it from the list to send to it again.";
    mockFetch({
      "POST /api/hostings/example.org/email/test": errorResponse(
        409,
        "recipient_suppressed",
        message,
      ),
    });
    const onDone = vi.fn();
    renderWithProviders(
      <TestEmailDialog
        serviceName="example.org"
        state="active"
        defaultTo="gone@dest.test"
        onClose={() => undefined}
        onDone={onDone}
      />,
    );
    await userEvent.click(screen.getByRole("button", { name: "Send test" }));
    expect((await screen.findByRole("alert")).textContent).toBe(message);
    expect(onDone).not.toHaveBeenCalled();
  });
});
