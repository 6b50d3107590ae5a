// @vitest-environment jsdom
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { emailStatus } from "../../../testing/fixtures.ts";
import { mockFetch, renderWithProviders } from "../../../testing/render.tsx";
import { WebhookDialog } from "./webhook-dialog.tsx";

const put = "PUT /api/hostings/example.org/email";

function setup(current: string | null) {
  const onDone = vi.fn();
  renderWithProviders(
    <WebhookDialog
      serviceName="example.org"
      current={current}
      onClose={() => {}}
      onDone={onDone}
    />,
  );
  const dialog = screen.getByRole("dialog", { name: "Change the alert webhook" });
  const input = within(dialog).getByLabelText("Webhook URL") as HTMLInputElement;
  const save = within(dialog).getByRole("button", { name: "Save" });
  return { dialog, input, save, onDone };
}

describe("alert webhook dialog", () => {
  it("refuses a plain-http or credentialed URL, then saves an https one", async () => {
    const { calls } = mockFetch({
      [put]: (call) => ({
        body: {
          ...emailStatus({
            alertWebhookUrl: (call.body as { alertWebhookUrl: string | null }).alertWebhookUrl,
          }),
          alertWebhookSecret: "whsec_shown-once",
        },
      }),
    });
    const { dialog, input, save, onDone } = setup(null);
    for (const bad of [
      "http://hooks.example.org/x",
      "https://user:pw@hooks.example.org/x",
      "nope",
    ]) {
      await userEvent.clear(input);
      await userEvent.type(input, bad);
      await userEvent.click(save);
      expect(within(dialog).getByRole("alert").textContent).toMatch(/https:\/\//);
    }
    expect(calls).toHaveLength(0);

    await userEvent.clear(input);
    await userEvent.type(input, "https://hooks.example.org/scripts-email");
    await userEvent.click(save);
    // the new signing key is shown once, with the warning, before the dialog is done
    const keyDialog = await screen.findByRole("dialog", { name: "Copy the signing key" });
    expect((within(keyDialog).getByLabelText("Signing key") as HTMLInputElement).value).toBe(
      "whsec_shown-once",
    );
    expect(keyDialog.textContent).toContain(
      "Copy it now into your receiver: it won't be shown again.",
    );
    expect(keyDialog.textContent).toContain("https://hooks.example.org/scripts-email");
    expect(onDone).not.toHaveBeenCalled();
    await userEvent.click(within(keyDialog).getByRole("button", { name: "Done" }));
    expect(onDone).toHaveBeenCalledWith("https://hooks.example.org/scripts-email");
    expect(calls[0]?.body).toEqual({ alertWebhookUrl: "https://hooks.example.org/scripts-email" });
  });

  it("makes a new signing key for the current webhook and shows it once", async () => {
    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    const { calls } = mockFetch({
      [put]: {
        body: {
          ...emailStatus({ alertWebhookUrl: "https://hooks.example.org/old" }),
          alertWebhookSecret: "whsec_rotated",
        },
      },
    });
    const { dialog, onDone } = setup("https://hooks.example.org/old");
    await userEvent.click(within(dialog).getByRole("button", { name: "New signing key" }));
    const keyDialog = await screen.findByRole("dialog", { name: "Copy the signing key" });
    expect(calls[0]?.body).toEqual({ rotateAlertWebhookSecret: true });
    await userEvent.click(within(keyDialog).getByRole("button", { name: "Copy" }));
    expect(writeText).toHaveBeenCalledWith("whsec_rotated");
    expect(within(keyDialog).getByRole("status").textContent).toBe("Copied");
    await userEvent.click(within(keyDialog).getByRole("button", { name: "Done" }));
    expect(onDone).toHaveBeenCalledWith("https://hooks.example.org/old");
  });

  it("offers no new key while there is no webhook", () => {
    mockFetch({});
    const { dialog } = setup(null);
    expect(within(dialog).queryByRole("button", { name: "New signing key" })).toBeNull();
  });

  it("removes the webhook when the field is emptied", async () => {
    const { calls } = mockFetch({ [put]: { body: emailStatus({ alertWebhookUrl: null }) } });
    const { input, save, onDone } = setup("https://hooks.example.org/old");
    expect(input.value).toBe("https://hooks.example.org/old");
    await userEvent.clear(input);
    await userEvent.click(save);
    await waitFor(() => expect(onDone).toHaveBeenCalledWith(null));
    expect(calls[0]?.body).toEqual({ alertWebhookUrl: null });
  });
});
