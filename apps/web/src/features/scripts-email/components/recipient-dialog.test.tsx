// @vitest-environment jsdom
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { emailStatus } from "../../../testing/fixtures.ts";
import { errorResponse, mockFetch, renderWithProviders } from "../../../testing/render.tsx";
import { RecipientDialog } from "./recipient-dialog.tsx";

const put = "PUT /api/hostings/example.org/email";

function setup() {
  const onDone = vi.fn();
  renderWithProviders(
    <RecipientDialog
      serviceName="example.org"
      current="old@example.org"
      onClose={() => {}}
      onDone={onDone}
    />,
  );
  const dialog = screen.getByRole("dialog", { name: "Change the error report recipient" });
  const input = within(dialog).getByLabelText("Recipient e-mail address") as HTMLInputElement;
  const save = within(dialog).getByRole("button", { name: "Save" });
  return { dialog, input, save, onDone };
}

describe("report recipient dialog", () => {
  it("refuses an invalid address, then saves a valid one", async () => {
    const { calls } = mockFetch({
      [put]: (call) => ({
        body: emailStatus({
          reportRecipient: (call.body as { reportRecipient: string }).reportRecipient,
        }),
      }),
    });
    const { dialog, input, save, onDone } = setup();
    expect(input.value).toBe("old@example.org");

    await userEvent.clear(input);
    await userEvent.type(input, "not-an-address");
    await userEvent.click(save);
    expect(within(dialog).getByRole("alert").textContent).toMatch(/valid e-mail address/);
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(calls).toHaveLength(0);

    await userEvent.clear(input);
    await userEvent.type(input, "  Reports@Example.ORG ");
    await userEvent.click(save);
    await waitFor(() => expect(onDone).toHaveBeenCalledWith("reports@example.org"));
    expect(calls[0]?.body).toEqual({ reportRecipient: "reports@example.org" });
  });

  it("shows the server's field error on the field", async () => {
    mockFetch({
      [put]: errorResponse(400, "validation_failed", "Some fields are not valid.", [
        { path: "reportRecipient", message: "invalid" },
      ]),
    });
    const { dialog, input, save, onDone } = setup();
    await userEvent.clear(input);
    await userEvent.type(input, "someone@unknown-domain.example");
    await userEvent.click(save);
    const alert = await within(dialog).findByRole("alert");
    expect(alert.textContent).toMatch(/Enter a valid e-mail address/);
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(onDone).not.toHaveBeenCalled();
  });
});
