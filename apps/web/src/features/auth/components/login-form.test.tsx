// @vitest-environment jsdom
import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { errorResponse, mockFetch, renderWithProviders } from "../../../testing/render.tsx";
import { LoginForm } from "./login-form.tsx";

async function signIn() {
  await userEvent.type(screen.getByLabelText(/E-mail|Adresse|Endereço/), "ana@example.org");
  await userEvent.type(screen.getByLabelText(/Password|Mot de passe|Palavra-passe/), "guess");
  await userEvent.click(screen.getByRole("button"));
}

const throttled = (seconds: number, message = "Too many attempts.") => ({
  ...errorResponse(429, "too_many_attempts", message),
  headers: { "retry-after": String(seconds) },
});

describe("LoginForm", () => {
  it("shows a short wait in seconds, counts it down, then says the user may try again", async () => {
    mockFetch({ "POST /api/session": throttled(1) });
    renderWithProviders(<LoginForm />);
    await signIn();
    expect((await screen.findByRole("alert")).textContent).toBe(
      "Too many attempts. Wait 1 s and try again.",
    );
    expect(
      (await screen.findByText("You can try again now.", {}, { timeout: 3_000 })).getAttribute(
        "role",
      ),
    ).toBe("alert");
  });

  it("words the wait in the chosen language, in minutes past one minute", async () => {
    mockFetch({ "POST /api/session": throttled(150) });
    renderWithProviders(<LoginForm />, { locale: "fr" });
    await signIn();
    expect((await screen.findByRole("alert")).textContent).toBe(
      "Trop de tentatives. Réessayez dans 3 minutes.",
    );
  });

  it("starts a new countdown with each refusal", async () => {
    let calls = 0;
    mockFetch({ "POST /api/session": () => throttled(++calls === 1 ? 1 : 40) });
    renderWithProviders(<LoginForm />, { locale: "pt" });
    await signIn();
    expect((await screen.findByRole("alert")).textContent).toBe(
      "Demasiadas tentativas. Aguarde 1 s e tente de novo.",
    );
    await userEvent.click(screen.getByRole("button"));
    expect(
      await screen.findByText("Demasiadas tentativas. Aguarde 40 s e tente de novo."),
    ).toBeTruthy();
  });
});
