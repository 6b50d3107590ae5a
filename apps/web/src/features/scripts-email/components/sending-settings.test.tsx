// @vitest-environment jsdom
import type { SendingSettings as Settings, UserRole } from "@scripts-email/contracts";
import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { errorResponse, mockFetch, renderWithProviders } from "../../../testing/render.tsx";
import { SendingSettings } from "./sending-settings.tsx";

const serviceName = "example.org";
const settingsUrl = `GET /api/hostings/${serviceName}/email/sending-settings`;
const resetUrl = `POST /api/hostings/${serviceName}/email/smtp-password`;
const CUSTOMER: UserRole = "customer";
const SUPPORT: UserRole = "support";
const NEW_PASSWORD = "Zx9-new-smtp-password-0123456789";

const settings: Settings = {
  serviceName,
  user: serviceName,
  host: "127.0.0.1",
  port: 2525,
  phpSendmailPath: 'sendmail_path = "/srv/se/apps/mta/bin/sendmail -t -i"',
  phpSendmailEnvironment:
    "SCRIPTS_EMAIL_HOST=127.0.0.1 SCRIPTS_EMAIL_PORT=2525 SCRIPTS_EMAIL_USER=example.org SCRIPTS_EMAIL_PASSWORD=<password>",
  msmtpSendmailPath:
    "sendmail_path = \"msmtp --host=127.0.0.1 --port=2525 --tls=off --auth=plain --user=example.org --passwordeval='cat /path/to/example.org.smtp-password' --read-envelope-from -t\"",
  passwordFile: "/path/to/example.org.smtp-password",
  smtpClient:
    "host: 127.0.0.1\nport: 2525\nuser name: example.org\npassword: <password>\nauthentication: PLAIN or LOGIN",
};

function clipboard() {
  const writeText = vi.fn(async (_text: string) => undefined);
  Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
  return writeText;
}

describe("sending settings", () => {
  it("shows the PHP, msmtp and SMTP client settings without a password, each copied at a click", async () => {
    const writeText = clipboard();
    mockFetch({ [settingsUrl]: { body: settings } });
    renderWithProviders(
      <SendingSettings serviceName={serviceName} role={CUSTOMER} onNotice={() => undefined} />,
    );
    await screen.findByText(/SCRIPTS_EMAIL_PASSWORD=<password>/);
    expect(
      screen.getByText(/--passwordeval='cat \/path\/to\/example.org.smtp-password'/),
    ).toBeTruthy();
    await userEvent.click(
      screen.getByRole("button", { name: "Copy: PHP sendmail_path through msmtp" }),
    );
    expect(writeText).toHaveBeenCalledWith(settings.msmtpSendmailPath);
    expect(screen.getByText(/<password> stands for it/)).toBeTruthy();
  });

  it("makes a new password once, shows it with the old one's end, fills it into the settings", async () => {
    clipboard();
    const notices: string[] = [];
    const { calls } = mockFetch({
      [settingsUrl]: { body: settings },
      [resetUrl]: {
        body: { password: NEW_PASSWORD, oldPasswordRefusedWithinSeconds: 5, settings },
      },
    });
    renderWithProviders(
      <SendingSettings
        serviceName={serviceName}
        role={CUSTOMER}
        onNotice={(n) => notices.push(n)}
      />,
    );
    await screen.findByText(/SCRIPTS_EMAIL_PASSWORD=<password>/);
    await userEvent.click(screen.getByRole("button", { name: "New SMTP password" }));
    const dialog = await screen.findByRole("dialog");
    expect(dialog.textContent).toContain("stops working now");
    // a customer gives no reason
    expect(screen.queryByLabelText(/Reason/)).toBeNull();
    const confirm = screen.getByRole("button", { name: "Make a new password" });
    await userEvent.dblClick(confirm);
    const field = await screen.findByRole("textbox", { name: "Your new SMTP password" });
    expect((field as HTMLInputElement).value).toBe(NEW_PASSWORD);
    expect(screen.getByText(/The old one stops working now .* at most 5 seconds/)).toBeTruthy();
    expect(screen.getByText(new RegExp(`SCRIPTS_EMAIL_PASSWORD=${NEW_PASSWORD}`))).toBeTruthy();
    expect(document.body.textContent).toContain(`\npassword: ${NEW_PASSWORD}\n`);
    expect(calls.filter((c) => c.method === "POST")).toHaveLength(1);
    expect(calls.find((c) => c.method === "POST")?.body).toEqual({});
    expect(notices).toEqual(["A new SMTP password was made."]);
    // dismissed, it is gone for good
    await userEvent.click(screen.getByRole("button", { name: "Dismiss" }));
    expect(screen.queryByText(new RegExp(NEW_PASSWORD))).toBeNull();
    expect(screen.getByText(/SCRIPTS_EMAIL_PASSWORD=<password>/)).toBeTruthy();
  });

  it("asks support for a reason and sends it", async () => {
    const { calls } = mockFetch({
      [settingsUrl]: { body: settings },
      [resetUrl]: errorResponse(409, "invalid_transition", "Something else happened."),
    });
    renderWithProviders(
      <SendingSettings serviceName={serviceName} role={SUPPORT} onNotice={() => undefined} />,
    );
    await screen.findByText(/SCRIPTS_EMAIL_PASSWORD=<password>/);
    await userEvent.click(screen.getByRole("button", { name: "New SMTP password" }));
    await userEvent.click(await screen.findByRole("button", { name: "Make a new password" }));
    expect(calls.filter((c) => c.method === "POST")).toHaveLength(0);
    await userEvent.type(screen.getByRole("textbox", { name: /Reason/ }), "ticket 7");
    await userEvent.click(screen.getByRole("button", { name: "Make a new password" }));
    await waitFor(() =>
      expect(calls.find((c) => c.method === "POST")?.body).toEqual({ reason: "ticket 7" }),
    );
    expect(await screen.findByText("Something else happened.")).toBeTruthy();
  });

  it("reads in French", async () => {
    mockFetch({ [settingsUrl]: { body: settings } });
    renderWithProviders(
      <SendingSettings serviceName={serviceName} role={CUSTOMER} onNotice={() => undefined} />,
      { locale: "fr" },
    );
    expect(await screen.findByRole("heading", { name: "Réglages d’envoi" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Nouveau mot de passe SMTP" })).toBeTruthy();
    // the SMTP client's lines too, not the API's English
    const writeText = clipboard();
    await userEvent.click(await screen.findByRole("button", { name: /Client SMTP/ }));
    expect(writeText).toHaveBeenCalledWith(
      [
        "serveur : 127.0.0.1",
        "port : 2525",
        "nom d’utilisateur : example.org",
        "mot de passe : <password>",
        "authentification : PLAIN ou LOGIN",
        "chiffrement : aucun sur cette machine, STARTTLS depuis partout ailleurs",
      ].join("\n"),
    );
  });
});
