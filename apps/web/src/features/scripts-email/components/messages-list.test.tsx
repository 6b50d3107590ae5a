// @vitest-environment jsdom
import type { MessageSummary } from "@scripts-email/contracts";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { mockFetch, renderWithProviders } from "../../../testing/render.tsx";
import { MessagesList } from "./messages-list.tsx";

const base = "/api/hostings/example.org/email/messages";
const ids = ["0190a0b0-0000-7000-8000-000000000001", "0190a0b0-0000-7000-8000-000000000002"];

function message(id: string, subject: string): MessageSummary {
  return {
    id,
    acceptedAt: "2025-01-10T10:00:00.000Z",
    from: "www@example.org",
    to: ["alice@example.net"],
    subject,
    size: 1500,
    status: "queued",
    script: "contact.php",
    spam: false,
    attempts: 1,
    expiresAt: "2025-01-13T10:00:00.000Z",
    nextAttemptAt: null,
  };
}

describe("held and queued mail", () => {
  it("pages with the cursor, filters by status and opens a message", async () => {
    const { calls } = mockFetch({
      [`GET ${base}`]: (call) => {
        const url = new URL(call.url, "http://localhost");
        return url.searchParams.get("cursor") === "c2"
          ? { body: { items: [message(ids[1]!, "Second page")], nextCursor: null } }
          : { body: { items: [message(ids[0]!, "First page")], nextCursor: "c2" } };
      },
      [`GET ${base}/${ids[1]}`]: {
        body: {
          ...message(ids[1]!, "Second page"),
          messageId: "<m2@example.org>",
          source: "sendmail",
          originatingScript: "/var/www/contact.php",
          sentAt: null,
          headers: [{ name: "Subject", value: "Second page" }],
          spamCheck: null,
          recipients: [{ address: "alice@example.net", delivered: false }],
          attempts: [
            {
              at: "2025-01-10T10:05:00.000Z",
              recipient: "alice@example.net",
              outcome: "deferred",
              code: 451,
              text: "try again later",
            },
          ],
        },
      },
    });
    renderWithProviders(<MessagesList serviceName="example.org" />);
    expect(await screen.findByRole("button", { name: "First page" })).toBeTruthy();

    await userEvent.click(screen.getByRole("button", { name: "Next page" }));
    await userEvent.click(await screen.findByRole("button", { name: "Second page" }));
    expect(calls.some((c) => c.url.includes("cursor=c2"))).toBe(true);
    expect(screen.getByText("Page 2")).toBeTruthy();

    const dialog = await screen.findByRole("dialog", { name: "Message details" });
    expect(await within(dialog).findByText("/var/www/contact.php")).toBeTruthy();
    expect(within(dialog).getByText("451 try again later")).toBeTruthy();
    expect(within(dialog).getByText("deferred")).toBeTruthy();
    await userEvent.click(within(dialog).getByRole("button", { name: "Close" }));
    expect(screen.queryByRole("dialog")).toBeNull();

    await userEvent.selectOptions(screen.getByLabelText("Status"), "held");
    await waitFor(() => expect(calls.at(-1)?.url).toBe(`${base}?status=held&limit=20`));
    expect(screen.getByText("Page 1")).toBeTruthy();
  });

  it("shows each message's script and marks spam; purged mail can be listed", async () => {
    const { calls } = mockFetch({
      [`GET ${base}`]: {
        body: {
          items: [
            { ...message(ids[0]!, "Cheap pills"), script: "wp-content/up.php", spam: true },
            { ...message(ids[1]!, "Order 42"), script: "sendmail", spam: false },
          ],
          nextCursor: null,
        },
      },
    });
    renderWithProviders(<MessagesList serviceName="example.org" />);
    const table = await screen.findByRole("table", { name: "Held and queued mail" });
    expect(within(table).getByRole("columnheader", { name: "Script" })).toBeTruthy();
    const [, spamRow, orderRow] = within(table).getAllByRole("row");
    expect(within(spamRow!).getByText("wp-content/up.php")).toBeTruthy();
    expect(within(spamRow!).getByText("Spam")).toBeTruthy();
    expect(within(orderRow!).getByText("sendmail (script)")).toBeTruthy();
    expect(within(orderRow!).queryByText("Spam")).toBeNull();

    const filter = screen.getByLabelText("Status");
    expect(within(filter).getByRole("option", { name: "purged" })).toBeTruthy();
    await userEvent.selectOptions(filter, "purged");
    await waitFor(() => expect(calls.at(-1)?.url).toBe(`${base}?status=purged&limit=20`));
  });
});
