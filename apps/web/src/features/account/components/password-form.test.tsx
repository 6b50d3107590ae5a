// @vitest-environment jsdom
import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { errorResponse, mockFetch, renderWithProviders } from "../../../testing/render.tsx";
import { PasswordForm } from "./password-form.tsx";

const put = "PUT /api/me/password";

describe("password change form", () => {
  it("refuses a short new password before asking the server", async () => {
    const { calls } = mockFetch({ [put]: { status: 204 } });
    renderWithProviders(<PasswordForm />);
    await userEvent.type(screen.getByLabelText("Current password"), "correct horse battery");
    await userEvent.type(screen.getByLabelText("New password"), "short");
    await userEvent.click(screen.getByRole("button", { name: "Change password" }));
    expect(screen.getByRole("alert").textContent).toBe(
      "The new password needs at least 8 characters.",
    );
    expect(calls).toHaveLength(0);
  });

  it("shows a wrong current password at its field", async () => {
    mockFetch({
      [put]: errorResponse(400, "validation_failed", "The current password is not right.", [
        { path: "currentPassword", message: "invalid" },
      ]),
    });
    renderWithProviders(<PasswordForm />);
    const current = screen.getByLabelText("Current password");
    await userEvent.type(current, "not it");
    await userEvent.type(screen.getByLabelText("New password"), "a brand new password");
    await userEvent.click(screen.getByRole("button", { name: "Change password" }));
    expect((await screen.findByRole("alert")).textContent).toBe(
      "The current password is not right.",
    );
    expect(current.getAttribute("aria-invalid")).toBe("true");
  });

  it("sends both passwords, clears the form and says what else happened", async () => {
    const { calls } = mockFetch({ [put]: { status: 204 } });
    renderWithProviders(<PasswordForm />, { locale: "pt" });
    const current = screen.getByLabelText("Palavra-passe atual") as HTMLInputElement;
    await userEvent.type(current, "correct horse battery");
    await userEvent.type(screen.getByLabelText("Nova palavra-passe"), "a brand new password");
    await userEvent.click(screen.getByRole("button", { name: "Alterar a palavra-passe" }));
    expect((await screen.findByRole("status")).textContent).toMatch(/tokens da API revogados/);
    expect(calls[0]?.body).toEqual({
      currentPassword: "correct horse battery",
      newPassword: "a brand new password",
    });
    expect(current.value).toBe("");
  });
});
