// @vitest-environment jsdom
import type { MessageSummary } from "@scripts-email/contracts";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
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

// the filters live in the page's address: each test starts from a clean one
beforeEach(() => {
  window.history.replaceState(null, "", "/hostings/example.org");
});

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
          recipients: [
            {
              address: "alice@example.net",
              delivered: false,
              outcome: "deferred",
              code: 451,
              reply: "try again later",
              at: "2025-01-10T10:05:00.000Z",
              nextAttemptAt: "2025-01-10T10:20:00.000Z",
            },
          ],
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

    // the viewer's code is downloaded the first time a message is opened
    const dialog = await screen.findByRole(
      "dialog",
      { name: "Message details" },
      { timeout: 5000 },
    );
    expect(await within(dialog).findByText("/var/www/contact.php")).toBeTruthy();
    expect(within(dialog).getByText("451 try again later")).toBeTruthy();
    expect(within(dialog).getAllByText("deferred").length).toBeGreaterThan(0);
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

  it("says a sender shared by every row once above the table, and gives each its own otherwise", async () => {
    const shared = [message(ids[0]!, "One"), message(ids[1]!, "Two")];
    let items = shared;
    mockFetch({ [`GET ${base}`]: () => ({ body: { items, nextCursor: null } }) });
    const first = renderWithProviders(<MessagesList serviceName="example.org" />);
    const table = await screen.findByRole("table", { name: "Held and queued mail" });
    const headers = () =>
      within(screen.getByRole("table"))
        .getAllByRole("columnheader")
        .map((h) => h.textContent);
    expect(headers()).not.toContain("From");
    expect(screen.getByText("Every message on this page is from www@example.org.")).toBeTruthy();
    // the date on one short line (its year, not this one's), the full date and time in its title
    const date = within(table).getAllByRole("row")[1]!.querySelector("time");
    expect(date?.textContent).toMatch(/^\d{1,2} Jan 2025, \d\d:\d\d$/);
    expect(date?.getAttribute("title")).toMatch(/Jan 2025/);
    first.unmount();

    items = [shared[0]!, { ...shared[1]!, from: "shop@example.org" }];
    renderWithProviders(<MessagesList serviceName="example.org" />);
    await screen.findByRole("table", { name: "Held and queued mail" });
    expect(headers()).toContain("From");
    expect(screen.queryByText(/Every message on this page is from/)).toBeNull();
    expect(screen.getByText("shop@example.org")).toBeTruthy();
  });
});

describe("searching the mail", () => {
  const empty = { body: { items: [], nextCursor: null } };

  it("searches what is typed once typing pauses, keeps the search in the address, exports it", async () => {
    const { calls } = mockFetch({ [`GET ${base}`]: empty });
    renderWithProviders(<MessagesList serviceName="example.org" />);
    await screen.findByText("No messages.");
    const box = screen.getByRole("searchbox", { name: "Search" });
    await userEvent.type(box, "alice@example.net");
    // one request for the whole address, not one per key
    await waitFor(() => expect(calls.at(-1)?.url).toBe(`${base}?q=alice%40example.net&limit=20`));
    expect(calls.filter((c) => c.url.includes("q=")).length).toBe(1);
    expect(window.location.search).toBe("?q=alice%40example.net");

    await userEvent.selectOptions(screen.getByLabelText("Outcome"), "deferred");
    await waitFor(() =>
      expect(calls.at(-1)?.url).toBe(`${base}?outcome=deferred&q=alice%40example.net&limit=20`),
    );
    expect(new URLSearchParams(window.location.search).get("outcome")).toBe("deferred");
    const csv = screen.getByRole("link", { name: "Export CSV" });
    expect(csv.getAttribute("href")).toBe(
      "/api/hostings/example.org/email/messages.csv?q=alice%40example.net&outcome=deferred",
    );
    expect(csv.hasAttribute("download")).toBe(true);

    await userEvent.click(screen.getByRole("button", { name: "Clear the filters" }));
    // the unfiltered first page again (already fetched: from the cache)
    await waitFor(() => expect(window.location.search).toBe(""));
    expect((box as HTMLInputElement).value).toBe("");
  });

  it("opens a shared search from the address, days as acceptance times", async () => {
    window.history.replaceState(
      null,
      "",
      "/hostings/example.org?script=cron.php&recipient=bob%40example.net&from=2025-01-10&to=2025-01-11",
    );
    const { calls } = mockFetch({ [`GET ${base}`]: empty });
    renderWithProviders(<MessagesList serviceName="example.org" />);
    await screen.findByText("No messages.");
    expect((screen.getByLabelText("Script") as HTMLInputElement).value).toBe("cron.php");
    expect((screen.getByLabelText("Accepted from") as HTMLInputElement).value).toBe("2025-01-10");
    const url = new URL(calls[0]!.url, "http://localhost");
    expect(url.searchParams.get("script")).toBe("cron.php");
    expect(url.searchParams.get("recipient")).toBe("bob@example.net");
    // the reader's midnights: the last day included
    expect(url.searchParams.get("from")).toBe(new Date(2025, 0, 10).toISOString());
    expect(url.searchParams.get("to")).toBe(new Date(2025, 0, 12).toISOString());
  });

  it("says how far back a bounded search looked, and sends refusals to their own list", async () => {
    const { calls } = mockFetch({
      [`GET ${base}`]: (call) =>
        call.url.includes("outcome=refused")
          ? empty
          : {
              body: {
                items: [],
                nextCursor: "c2",
                searchedUntil: "2025-01-09T10:00:00.000Z",
              },
            },
    });
    renderWithProviders(<MessagesList serviceName="example.org" />);
    expect(await screen.findByText(/^Searched mail accepted down to/)).toBeTruthy();
    const next = screen.getByRole("button", { name: "Next page" });
    expect((next as HTMLButtonElement).disabled).toBe(false);
    await userEvent.click(next);
    await waitFor(() => expect(calls.at(-1)?.url).toContain("cursor=c2"));

    await userEvent.selectOptions(screen.getByLabelText("Outcome"), "refused");
    const link = await screen.findByRole("link", { name: "See the refused mail" });
    expect(link.getAttribute("href")).toBe("#refused-heading");
    expect(screen.queryByText("No messages.")).toBeNull();
    expect(screen.getByText("Page 1")).toBeTruthy();
  });
});
