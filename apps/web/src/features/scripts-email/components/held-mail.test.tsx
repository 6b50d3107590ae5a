// @vitest-environment jsdom
import type { EmailStatus, SelectionJob, UserRole } from "@scripts-email/contracts";
import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { Locale } from "../../../lib/i18n.tsx";
import { emailStatus } from "../../../testing/fixtures.ts";
import { mockFetch, type RecordedCall, renderWithProviders } from "../../../testing/render.tsx";
import { emailKeys } from "../api/email-keys.ts";
import { HeldMail } from "./held-mail.tsx";

const base = "/api/hostings/example.org/email";
const jobId = "0190a0b0-0000-7000-8000-00000000000a";

const groupsBy: Record<string, { key: string; count: number; spam: number }[]> = {
  script: [
    { key: "contact.php", count: 5, spam: 4 },
    { key: "order.php", count: 3, spam: 0 },
  ],
  domain: [
    { key: "victim.example", count: 5, spam: 4 },
    { key: "shop.example", count: 3, spam: 0 },
  ],
};

function job(overrides: Partial<SelectionJob>): SelectionJob {
  return {
    id: jobId,
    action: "delete",
    filter: { script: "contact.php", status: ["held", "spam"] },
    reason: null,
    state: "running",
    matched: 5,
    done: 0,
    actorRole: "customer",
    actorEmail: "customer@example.org",
    createdAt: "2025-01-10T10:00:00.000Z",
    finishedAt: null,
    ...overrides,
  };
}

/** The selection API: `count` answers `counts(filter)`; release and delete start job `jobId`. */
function routes(options: { counts?: (call: RecordedCall) => number; jobs?: SelectionJob[] } = {}) {
  const jobAnswers = [...(options.jobs ?? [job({ done: 2 }), job({ state: "finished", done: 5 })])];
  return {
    [`GET ${base}/held/groups`]: (call: RecordedCall) => {
      const by = new URL(call.url, "http://localhost").searchParams.get("by") ?? "script";
      return { body: { items: groupsBy[by] ?? [] } };
    },
    [`POST ${base}/selection`]: (call: RecordedCall) => {
      const body = call.body as { action: string };
      const matched = options.counts?.(call) ?? 5;
      return body.action === "count"
        ? { body: { matched } }
        : { status: 202, body: { jobId, matched } };
    },
    [`GET ${base}/jobs/${jobId}`]: () => ({
      body: jobAnswers.length > 1 ? jobAnswers.shift() : jobAnswers[0],
    }),
  };
}

function setup(role: UserRole, status: Partial<EmailStatus> = {}, locale: Locale = "en") {
  return renderWithProviders(
    <HeldMail
      serviceName="example.org"
      role={role}
      status={emailStatus({ state: "blocked", held: 8, spam: 4, ...status })}
    />,
    { locale },
  );
}

const selections = (calls: RecordedCall[], action?: string) =>
  calls
    .filter((c) => c.method === "POST" && c.url === `${base}/selection`)
    .map((c) => c.body as { action: string; filter: unknown; reason?: string })
    .filter((b) => !action || b.action === action);

describe("held mail", () => {
  it("is not shown while nothing is held", () => {
    mockFetch(routes());
    setup("customer", { held: 0, spam: 0 });
    expect(screen.queryByRole("heading", { name: "Held mail" })).toBeNull();
  });

  it("lists the groups with their counts, spam marked, and switches the grouping", async () => {
    const { calls } = mockFetch(routes());
    setup("customer");
    const section = screen.getByRole("region", { name: "Held mail" });
    const contact = (await within(section).findByRole("rowheader", { name: "contact.php" }))
      .parentElement as HTMLElement;
    expect(within(contact).getByText("4 spam")).toBeTruthy();
    expect(contact.textContent).toContain("5");
    expect(
      within(contact).getByRole("button", { name: "Release the mail of contact.php" }),
    ).toBeTruthy();
    expect(
      within(contact).getByRole("button", { name: "Delete the mail of contact.php" }),
    ).toBeTruthy();
    expect(within(section).getByRole("columnheader", { name: "Script" })).toBeTruthy();

    await userEvent.selectOptions(within(section).getByLabelText("Group by"), "domain");
    expect(
      await within(section).findByRole("button", { name: "Delete the mail to victim.example" }),
    ).toBeTruthy();
    expect(within(section).getByRole("columnheader", { name: "Recipient domain" })).toBeTruthy();
    expect(calls.some((c) => c.url === `${base}/held/groups?by=domain`)).toBe(true);
  });

  it("shows the server's count before the user may confirm, sends one request however often clicked, follows the job, then refreshes", async () => {
    const { calls, fn } = mockFetch(routes());
    // the count answers only when the test says so: until then, nothing can be confirmed
    const answer = fn.getMockImplementation();
    let countArrives = () => {};
    const counted = new Promise<void>((resolve) => {
      countArrives = resolve;
    });
    fn.mockImplementation(async (input, init) => {
      if (String(init?.body).includes('"count"')) await counted;
      return answer ? answer(input, init) : new Response(null, { status: 500 });
    });
    const { queryClient } = setup("customer");
    queryClient.setQueryData(emailKeys.status("example.org"), emailStatus({ held: 8 }));
    queryClient.setQueryData(emailKeys.messages("example.org"), { items: [] });

    await userEvent.click(
      await screen.findByRole("button", { name: "Delete the mail of contact.php" }),
    );
    const dialog = screen.getByRole("dialog", { name: "Delete held mail?" });
    const confirm = within(dialog).getByRole("button", { name: "Delete now" });
    expect((confirm as HTMLButtonElement).disabled).toBe(true);
    expect(within(dialog).getByText("Loading…")).toBeTruthy();
    countArrives();
    expect(await within(dialog).findByText("5 messages will be deleted")).toBeTruthy();
    expect((confirm as HTMLButtonElement).disabled).toBe(false);
    expect(dialog.textContent).toContain("script contact.php · held, spam");
    expect(selections(calls, "count")).toEqual([
      { action: "count", filter: { script: "contact.php", status: ["held", "spam"] } },
    ]);
    expect(selections(calls, "delete")).toEqual([]);

    // a double click: the second arrives before the button can render disabled
    act(() => {
      confirm.click();
      confirm.click();
    });
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(selections(calls, "delete")).toEqual([
      { action: "delete", filter: { script: "contact.php", status: ["held", "spam"] } },
    ]);

    const bar = screen.getByRole("progressbar", {
      name: "Deletion of the mail: script contact.php · held, spam",
    });
    expect(bar.getAttribute("aria-valuemax")).toBe("5");
    await waitFor(() => expect(bar.getAttribute("aria-valuenow")).toBe("2"));
    expect(screen.getByText("Deleting… 2 of 5 messages")).toBeTruthy();
    // the next answer, a second later, says it finished
    await waitFor(() => expect(bar.getAttribute("aria-valuenow")).toBe("5"), { timeout: 4000 });
    expect(screen.getByRole("status").textContent).toBe("Done: 5 messages deleted.");
    expect(queryClient.getQueryState(emailKeys.status("example.org"))?.isInvalidated).toBe(true);
    expect(queryClient.getQueryState(emailKeys.messages("example.org"))?.isInvalidated).toBe(true);
    await waitFor(() =>
      expect(calls.filter((c) => c.url === `${base}/held/groups?by=script`)).toHaveLength(2),
    );

    await userEvent.click(screen.getByRole("button", { name: "Dismiss" }));
    expect(screen.queryByRole("progressbar")).toBeNull();
  }, 15_000);

  it("shows a job that failed as an error", async () => {
    mockFetch(routes({ jobs: [job({ state: "failed", done: 2 })] }));
    setup("customer");
    await userEvent.click(
      await screen.findByRole("button", { name: "Delete the mail of contact.php" }),
    );
    const dialog = screen.getByRole("dialog");
    await within(dialog).findByText("5 messages will be deleted");
    await userEvent.click(within(dialog).getByRole("button", { name: "Delete now" }));
    expect((await screen.findByRole("alert")).textContent).toBe(
      "The deletion stopped after 2 of 5 messages. What was deleted stays deleted; try again for the rest.",
    );
    expect(screen.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("2");
  });

  it("requires a reason from support, and releases spam too", async () => {
    const { calls } = mockFetch(routes({ counts: () => 3 }));
    setup("support");
    await userEvent.click(
      await screen.findByRole("button", { name: "Release the mail of order.php" }),
    );
    const dialog = screen.getByRole("dialog", { name: "Release held mail?" });
    expect(await within(dialog).findByText("3 messages will be released")).toBeTruthy();
    const reason = within(dialog).getByLabelText("Reason (required)");
    await userEvent.click(within(dialog).getByRole("button", { name: "Release now" }));
    expect(within(dialog).getByText("Enter a reason.")).toBeTruthy();
    expect(reason.getAttribute("aria-invalid")).toBe("true");
    expect(selections(calls, "release")).toEqual([]);

    await userEvent.type(reason, "Orders checked with the customer");
    await userEvent.click(within(dialog).getByRole("button", { name: "Release now" }));
    await waitFor(() => expect(selections(calls, "release")).toHaveLength(1));
    expect(selections(calls, "release")[0]).toEqual({
      action: "release",
      filter: { script: "order.php", status: ["held", "spam"] },
      reason: "Orders checked with the customer",
    });
  });

  it("tells a customer that spam is not released, and counts only the rest", async () => {
    const { calls } = mockFetch(routes({ counts: () => 1 }));
    setup("customer");
    await userEvent.click(
      await screen.findByRole("button", { name: "Release the mail of contact.php" }),
    );
    const dialog = screen.getByRole("dialog");
    expect(within(dialog).getByText(/Mail flagged as spam is not released/)).toBeTruthy();
    expect(await within(dialog).findByText("1 message will be released")).toBeTruthy();
    expect(selections(calls, "count")).toEqual([
      { action: "count", filter: { script: "contact.php", status: ["held"] } },
    ]);
    expect(within(dialog).getByLabelText("Reason (optional)")).toBeTruthy();
  });

  it("speaks the user's language, with its plural rules", async () => {
    mockFetch(routes({ counts: () => 1 }));
    setup("customer", {}, "fr");
    expect(await screen.findByText("4 spams")).toBeTruthy();
    await userEvent.click(
      screen.getByRole("button", { name: "Supprimer les messages de contact.php" }),
    );
    const dialog = screen.getByRole("dialog", { name: "Supprimer les messages retenus ?" });
    expect(await within(dialog).findByText("1 message sera supprimé")).toBeTruthy();
    expect(within(dialog).getByRole("button", { name: "Supprimer maintenant" })).toBeTruthy();
  });

  it("cannot confirm when nothing matches any more", async () => {
    mockFetch(routes({ counts: () => 0 }));
    setup("customer");
    await userEvent.click(
      await screen.findByRole("button", { name: "Delete the mail of order.php" }),
    );
    const dialog = screen.getByRole("dialog");
    expect(await within(dialog).findByText("No message will be deleted")).toBeTruthy();
    const confirm = within(dialog).getByRole("button", { name: "Delete now" });
    expect((confirm as HTMLButtonElement).disabled).toBe(true);
  });
});
