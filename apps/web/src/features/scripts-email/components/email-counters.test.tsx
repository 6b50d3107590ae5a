// @vitest-environment jsdom
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { emailStatus } from "../../../testing/fixtures.ts";
import { errorResponse, mockFetch, renderWithProviders } from "../../../testing/render.tsx";
import { EmailCounters } from "./email-counters.tsx";

const url = "/api/hostings/example.org/email/daily-limit";

function setup(role: "customer" | "support", overrides = {}) {
  const onNotice = vi.fn();
  renderWithProviders(
    <EmailCounters
      serviceName="example.org"
      role={role}
      status={emailStatus({
        acceptedToday: 27,
        sentToday: 12,
        refusedToday: 4,
        maxPerDay: 50,
        ...overrides,
      })}
      onNotice={onNotice}
    />,
  );
  return { onNotice };
}

/** The figure of a counter, found by its name. */
function counter(name: string): HTMLElement {
  const term = screen.getByText(name, { selector: "dt" });
  return term.parentElement as HTMLElement;
}

describe("email counters", () => {
  it("shows what the daily limit counts (accepted), delivered and refused mail, each explained", () => {
    mockFetch({});
    setup("customer");
    const accepted = counter("Accepted today");
    expect(within(accepted).getByText("27 of 50 (limit)")).toBeTruthy();
    expect(within(accepted).getByText("54 % of the daily limit used")).toBeTruthy();
    expect(within(accepted).getByText(/what the daily limit counts/)).toBeTruthy();
    const meter = within(accepted).getByRole("meter");
    expect(meter.getAttribute("value")).toBe("27");
    expect(meter.getAttribute("max")).toBe("50");
    expect(within(counter("Sent today")).getByText("12")).toBeTruthy();
    expect(
      within(counter("Sent today")).getByText(/delivered to the recipients' servers/),
    ).toBeTruthy();
    expect(within(counter("Refused today")).getByText("4")).toBeTruthy();
    expect(within(counter("Refused today")).getByText(/never stored/)).toBeTruthy();
    expect(screen.queryByTestId("limit-reached")).toBeNull();
    // the customer sees the limit and whom to ask, not a way to change it
    expect(within(accepted).getByText(/Support can change the daily limit/)).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Change the daily limit" })).toBeNull();
  });

  it("says when the limit is reached, as the SMTP refusal does", () => {
    mockFetch({});
    setup("customer", { acceptedToday: 50, sentToday: 27 });
    expect(screen.getByTestId("limit-reached").textContent).toContain(
      "Daily limit reached: new mail is refused until midnight UTC.",
    );
    expect(screen.getByText("100 % of the daily limit used")).toBeTruthy();
  });

  it("says less than 1 % rather than 0 % when a little mail was accepted", () => {
    mockFetch({});
    setup("customer", { acceptedToday: 3, maxPerDay: 1000 });
    expect(screen.getByText("< 1 % of the daily limit used")).toBeTruthy();
    expect(screen.getByRole("meter", { name: "less than 1 % of the daily limit" })).toBeTruthy();
    expect(screen.queryByText("0 % of the daily limit used")).toBeNull();
  });

  it("says 0 % when no mail was accepted today", () => {
    mockFetch({});
    setup("customer", { acceptedToday: 0, maxPerDay: 1000 });
    expect(screen.getByText("0 % of the daily limit used")).toBeTruthy();
    expect(screen.getByRole("meter", { name: "0 % of the daily limit" })).toBeTruthy();
  });

  it("lets support change the limit with a reason, refusing a bad number before sending", async () => {
    const { calls } = mockFetch({
      [`PUT ${url}`]: (call) =>
        (call.body as { maxPerDay: number }).maxPerDay === 7
          ? errorResponse(403, "forbidden", "You may not do this.")
          : { body: { serviceName: "example.org", maxPerDay: 200 } },
    });
    const { onNotice } = setup("support");
    await userEvent.click(screen.getByRole("button", { name: "Change the daily limit" }));
    const dialog = screen.getByRole("dialog", { name: "Daily limit of example.org" });
    const limit = within(dialog).getByLabelText("Messages a day") as HTMLInputElement;
    expect(limit.value).toBe("50");
    const confirm = within(dialog).getByRole("button", { name: "Change limit" });

    await userEvent.clear(limit);
    await userEvent.type(limit, "2000000");
    await userEvent.click(confirm);
    expect(within(dialog).getByText("Enter a whole number from 0 to 1,000,000.")).toBeTruthy();
    expect(within(dialog).getByText("Enter a reason.")).toBeTruthy();
    expect(limit.getAttribute("aria-invalid")).toBe("true");
    expect(calls.filter((c) => c.method === "PUT")).toHaveLength(0);

    await userEvent.clear(limit);
    await userEvent.type(limit, "7");
    await userEvent.type(within(dialog).getByLabelText("Reason (required)"), "Ticket 3");
    await userEvent.click(confirm);
    expect(await within(dialog).findByText("You are not allowed to do this.")).toBeTruthy();

    await userEvent.clear(limit);
    await userEvent.type(limit, "200");
    await userEvent.click(confirm);
    await waitFor(() => expect(onNotice).toHaveBeenCalled());
    expect(onNotice.mock.calls[0]![0]).toBe("The daily limit of example.org is now 200 messages.");
    expect(calls.filter((c) => c.method === "PUT").at(-1)!.body).toEqual({
      maxPerDay: 200,
      reason: "Ticket 3",
    });
  });
});
