// @vitest-environment jsdom
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { errorResponse, mockFetch, renderWithProviders } from "../../../testing/render.tsx";
import { SenderDomains } from "./sender-domains.tsx";

const url = "/api/hostings/example.org/sender-domains";

function setup(role: "customer" | "support") {
  const onNotice = vi.fn();
  renderWithProviders(<SenderDomains serviceName="example.org" role={role} onNotice={onNotice} />);
  return { onNotice };
}

describe("sender domains section", () => {
  it("shows customers the list and whom to ask, with no way to change it", async () => {
    mockFetch({ [`GET ${url}`]: { body: { serviceName: "example.org", domains: ["brand.com"] } } });
    setup("customer");
    expect(await screen.findByText("brand.com")).toBeTruthy();
    expect(screen.getByText(/Scripts may send from example\.org and its subdomains/)).toBeTruthy();
    expect(screen.getByText(/ask support to add it/)).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Add a domain" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Remove brand.com" })).toBeNull();
  });

  it("lets support add a domain with a reason, and shows the server's refusal at the field", async () => {
    let domains: string[] = [];
    const { calls } = mockFetch({
      [`GET ${url}`]: () => ({ body: { serviceName: "example.org", domains } }),
      [`POST ${url}`]: (call) => {
        const add = (call.body as { add: string[] }).add[0]!;
        if (add.startsWith("192.")) {
          return errorResponse(400, "validation_failed", "Some fields are not valid.", [
            { path: "domain", message: "invalid" },
          ]);
        }
        domains = [...domains, add.toLowerCase()];
        return { body: { serviceName: "example.org", domains } };
      },
    });
    const { onNotice } = setup("support");
    expect(await screen.findByText("No other domains.")).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "Add a domain" }));
    const dialog = screen.getByRole("dialog", { name: "Add a sender domain" });
    const domain = within(dialog).getByLabelText("Domain");
    const confirm = within(dialog).getByRole("button", { name: "Add" });

    // a reason is required before anything is sent
    await userEvent.type(domain, "Brand.COM");
    await userEvent.click(confirm);
    expect(within(dialog).getByText("Enter a reason.")).toBeTruthy();
    expect(calls.filter((c) => c.method === "POST")).toHaveLength(0);

    await userEvent.clear(domain);
    await userEvent.type(domain, "192.0.2.1");
    await userEvent.type(within(dialog).getByLabelText("Reason (required)"), "Ticket 42");
    await userEvent.click(confirm);
    expect(
      await within(dialog).findByText(/Enter a domain such as brand\.com, without wildcards/),
    ).toBeTruthy();
    expect(domain.getAttribute("aria-invalid")).toBe("true");

    await userEvent.clear(domain);
    await userEvent.type(domain, "Brand.COM");
    await userEvent.click(confirm);
    await waitFor(() => expect(onNotice).toHaveBeenCalled());
    expect(onNotice.mock.calls[0]![0]).toBe("Brand.COM is now a sender domain of this hosting.");
    const posts = calls.filter((c) => c.method === "POST");
    expect(posts.at(-1)!.body).toEqual({ add: ["Brand.COM"], reason: "Ticket 42" });
    expect(await screen.findByText("brand.com")).toBeTruthy();
  });

  it("lets support remove a domain, with a reason", async () => {
    const { calls } = mockFetch({
      [`GET ${url}`]: { body: { serviceName: "example.org", domains: ["brand.com", "other.net"] } },
      [`POST ${url}`]: { body: { serviceName: "example.org", domains: ["other.net"] } },
    });
    const { onNotice } = setup("support");
    await userEvent.click(await screen.findByRole("button", { name: "Remove brand.com" }));
    const dialog = screen.getByRole("dialog", { name: "Remove brand.com" });
    await userEvent.type(within(dialog).getByLabelText("Reason (required)"), "Domain sold");
    await userEvent.click(within(dialog).getByRole("button", { name: "Remove" }));
    await waitFor(() =>
      expect(onNotice).toHaveBeenCalledWith(
        "brand.com is no longer a sender domain of this hosting.",
      ),
    );
    expect(calls.find((c) => c.method === "POST")!.body).toEqual({
      remove: ["brand.com"],
      reason: "Domain sold",
    });
    expect(screen.queryByText("brand.com")).toBeNull();
  });
});
