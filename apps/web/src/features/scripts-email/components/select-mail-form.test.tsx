// @vitest-environment jsdom
import type { UserRole } from "@scripts-email/contracts";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { emailStatus } from "../../../testing/fixtures.ts";
import { mockFetch, type RecordedCall, renderWithProviders } from "../../../testing/render.tsx";
import { HeldMail } from "./held-mail.tsx";

const base = "/api/hostings/example.org/email";

function setup(role: UserRole, state: "active" | "blocked" = "blocked") {
  const { calls } = mockFetch({
    [`GET ${base}/held/groups`]: { body: { items: [] } },
    [`POST ${base}/selection`]: (call: RecordedCall) =>
      (call.body as { action: string }).action === "count"
        ? { body: { matched: 7 } }
        : { status: 202, body: { jobId: "0190a0b0-0000-7000-8000-00000000000b", matched: 7 } },
  });
  renderWithProviders(
    <HeldMail
      serviceName="example.org"
      role={role}
      status={emailStatus({ state, held: 9, spam: 2 })}
    />,
  );
  const form = screen.getByRole("form", { name: "Filter held mail" });
  const bodies = (action: string) =>
    calls
      .filter((c) => c.method === "POST" && (c.body as { action: string }).action === action)
      .map((c) => c.body);
  return { form, bodies };
}

describe("filter held mail", () => {
  it("builds the filter from every field filled and counts it", async () => {
    const { form, bodies } = setup("customer");
    const f = within(form);
    await userEvent.click(f.getByLabelText("Flagged as spam"));
    await userEvent.click(f.getByLabelText("Queued"));
    await userEvent.type(f.getByLabelText("Script"), " wp-content/plugins/form/hack.php ");
    await userEvent.type(f.getByLabelText("Sender"), "www@example.org");
    await userEvent.type(f.getByLabelText("Recipient"), "@victim.example");
    await userEvent.type(f.getByLabelText("Subject contains"), "You have won");
    fireEvent.change(f.getByLabelText("Accepted from"), { target: { value: "2025-01-10T09:30" } });
    await userEvent.click(f.getByRole("button", { name: "Count" }));

    expect(await f.findByText("7 messages match")).toBeTruthy();
    expect(bodies("count")).toEqual([
      {
        action: "count",
        filter: {
          status: ["held", "queued"],
          script: "wp-content/plugins/form/hack.php",
          sender: "www@example.org",
          recipient: "@victim.example",
          subject: "You have won",
          from: new Date("2025-01-10T09:30").toISOString(),
        },
      },
    ]);
    // a change makes the count shown stale: it goes
    await userEvent.type(f.getByLabelText("Subject contains"), "!");
    expect(f.queryByText("7 messages match")).toBeNull();
  });

  it("asks for a status and says which fields are wrong, without calling the server", async () => {
    const { form, bodies } = setup("customer");
    const f = within(form);
    await userEvent.click(f.getByLabelText("Held"));
    await userEvent.click(f.getByLabelText("Flagged as spam"));
    await userEvent.click(f.getByRole("button", { name: "Count" }));
    expect(f.getByRole("alert").textContent).toBe("Choose at least one status.");

    await userEvent.click(f.getByLabelText("Held"));
    await userEvent.type(f.getByLabelText("Recipient"), "@");
    await userEvent.click(f.getByRole("button", { name: "Delete" }));
    expect(f.getByRole("alert").textContent).toBe("Check these fields: Recipient.");
    expect(f.getByLabelText("Recipient").getAttribute("aria-invalid")).toBe("true");
    expect(bodies("count")).toEqual([]);
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("deletes by filter with the count first", async () => {
    const { form, bodies } = setup("customer");
    const f = within(form);
    await userEvent.type(f.getByLabelText("Script"), "hack.php");
    await userEvent.click(f.getByRole("button", { name: "Delete" }));
    const dialog = screen.getByRole("dialog", { name: "Delete held mail?" });
    expect(await within(dialog).findByText("7 messages will be deleted")).toBeTruthy();
    await userEvent.click(within(dialog).getByRole("button", { name: "Delete now" }));
    await waitFor(() => expect(bodies("delete")).toHaveLength(1));
    expect(bodies("delete")[0]).toEqual({
      action: "delete",
      filter: { status: ["held", "spam"], script: "hack.php" },
    });
    expect(await screen.findByRole("progressbar")).toBeTruthy();
  });

  it("leaves spam out of a customer's release, and says so", async () => {
    const { form, bodies } = setup("customer");
    const f = within(form);
    await userEvent.click(f.getByRole("button", { name: "Release" }));
    const dialog = screen.getByRole("dialog", { name: "Release held mail?" });
    expect(within(dialog).getByText(/Mail flagged as spam is not released/)).toBeTruthy();
    await within(dialog).findByText("7 messages will be released");
    expect(bodies("count")).toEqual([{ action: "count", filter: { status: ["held"] } }]);
  });

  it("cannot release spam alone as a customer: nothing is asked", async () => {
    const { form, bodies } = setup("customer");
    const f = within(form);
    await userEvent.click(f.getByLabelText("Held"));
    await userEvent.click(f.getByRole("button", { name: "Release" }));
    const dialog = screen.getByRole("dialog");
    expect(within(dialog).getByText(/only our support team can release it/)).toBeTruthy();
    expect(within(dialog).getByText("No message will be released")).toBeTruthy();
    const confirm = within(dialog).getByRole("button", { name: "Release now" });
    expect((confirm as HTMLButtonElement).disabled).toBe(true);
    expect(bodies("count")).toEqual([]);
  });

  it("is a closed disclosure while sending is active", () => {
    setup("support", "active");
    const summary = screen.getByText("Filter held mail");
    expect((summary.parentElement as HTMLDetailsElement).open).toBe(false);
  });
});
