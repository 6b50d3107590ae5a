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
        body: emailStatus({
          alertWebhookUrl: (call.body as { alertWebhookUrl: string | null }).alertWebhookUrl,
        }),
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
    await waitFor(() =>
      expect(onDone).toHaveBeenCalledWith("https://hooks.example.org/scripts-email"),
    );
    expect(calls[0]?.body).toEqual({ alertWebhookUrl: "https://hooks.example.org/scripts-email" });
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
