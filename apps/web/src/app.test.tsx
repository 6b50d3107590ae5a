// @vitest-environment jsdom
import { QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { App } from "./app.tsx";
import { STORAGE_KEY } from "./lib/i18n.tsx";
import { customer, fleetSummary, hostingSummary, support } from "./testing/fixtures.ts";
import { createTestQueryClient, errorResponse, mockFetch } from "./testing/render.tsx";

const signedOut = { body: { user: null } };

function renderApp() {
  return render(
    <QueryClientProvider client={createTestQueryClient()}>
      <App />
    </QueryClientProvider>,
  );
}

async function signIn(email: string, password: string) {
  await userEvent.type(await screen.findByLabelText("E-mail address"), email);
  await userEvent.type(screen.getByLabelText("Password"), password);
  await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
}

describe("app", () => {
  it("asks who is signed in through a call that answers 200 when nobody is (no 401 at load)", async () => {
    const { calls } = mockFetch({ "GET /api/session": signedOut });
    renderApp();
    expect(await screen.findByRole("heading", { name: "Sign in" })).toBeTruthy();
    expect(calls.map((c) => `${c.method} ${new URL(c.url, "http://localhost").pathname}`)).toEqual([
      "GET /api/session",
    ]);
  });

  it("switches the language of the visible strings and remembers it", async () => {
    mockFetch({ "GET /api/session": signedOut });
    renderApp();
    expect(await screen.findByRole("heading", { name: "Sign in" })).toBeTruthy();

    await userEvent.selectOptions(screen.getByLabelText("Language"), "pt");
    expect(screen.getByRole("heading", { name: "Iniciar sessão" })).toBeTruthy();
    expect(screen.getByLabelText("Palavra-passe")).toBeTruthy();
    expect(localStorage.getItem(STORAGE_KEY)).toBe("pt");
    expect(document.documentElement.lang).toBe("pt-PT");

    await userEvent.selectOptions(screen.getByLabelText("Idioma"), "fr");
    expect(screen.getByRole("heading", { name: "Connexion" })).toBeTruthy();
    expect(screen.getByLabelText("Mot de passe")).toBeTruthy();
  });

  it("says when there were too many sign-in attempts", async () => {
    mockFetch({
      "GET /api/session": signedOut,
      "POST /api/session": {
        ...errorResponse(429, "too_many_attempts", "Too many attempts. Try again in 10 minutes."),
        headers: { "retry-after": "600" },
      },
    });
    renderApp();
    await signIn("customer@example.org", "wrong");
    expect((await screen.findByRole("alert")).textContent).toBe(
      "Too many attempts. Try again in 10 minutes.",
    );
  });

  it("shows wrong credentials, then signs in in the user's language", async () => {
    let attempts = 0;
    const { calls } = mockFetch({
      "GET /api/session": signedOut,
      "POST /api/session": () =>
        ++attempts === 1
          ? errorResponse(401, "invalid_credentials", "Wrong e-mail address or password.")
          : { body: { ...customer, locale: "fr" } },
      "GET /api/hostings": {
        body: {
          items: [
            hostingSummary({ ownerEmail: customer.email, state: "blocked", cause: "customer" }),
          ],
          total: 1,
        },
      },
    });
    renderApp();
    await signIn("customer@example.org", "wrong");
    expect((await screen.findByRole("alert")).textContent).toBe(
      "Wrong e-mail address or password.",
    );
    await userEvent.clear(screen.getByLabelText("Password"));
    await userEvent.type(screen.getByLabelText("Password"), "right");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));

    expect(await screen.findByRole("heading", { name: "Vos hébergements" })).toBeTruthy();
    expect(screen.getByRole("link", { name: "example.org" }).getAttribute("href")).toBe(
      "/hostings/example.org",
    );
    expect(screen.getByText("bloqué")).toBeTruthy();
    expect(calls.find((c) => c.method === "POST" && c.url === "/api/session")?.body).toEqual({
      email: "customer@example.org",
      password: "wrong",
    });
    await waitFor(() => expect(document.documentElement.lang).toBe("fr-FR"));
  });

  it("marks an installation that captures mail instead of sending it", async () => {
    const hostings = { body: { items: [], total: 0 } };
    mockFetch({
      "GET /api/session": { body: { user: customer } },
      "GET /api/hostings": hostings,
      "GET /api/info": { body: { deliveryMode: "capture" } },
    });
    renderApp();
    expect((await screen.findByRole("note")).textContent).toMatch(/written to files/);
  });

  it("shows no such mark when mail is relayed", async () => {
    mockFetch({
      "GET /api/session": { body: { user: customer } },
      "GET /api/hostings": { body: { items: [], total: 0 } },
      "GET /api/info": { body: { deliveryMode: "relay" } },
    });
    renderApp();
    expect(await screen.findByRole("heading", { name: "Your hostings" })).toBeTruthy();
    expect(screen.queryByRole("note")).toBeNull();
  });
});

describe("the home page by role", () => {
  it("is the fleet view for support, asking for its summary and the hostings' counters", async () => {
    const { calls } = mockFetch({
      "GET /api/session": { body: { user: support } },
      "GET /api/hostings": { body: { items: [hostingSummary()], total: 1 } },
      "GET /api/fleet/summary": { body: fleetSummary() },
    });
    renderApp();
    expect(await screen.findByRole("heading", { name: "Hostings", level: 1 })).toBeTruthy();
    expect(await screen.findByRole("heading", { name: "Hostings by state" })).toBeTruthy();
    expect(calls.some((c) => c.url === "/api/fleet/summary")).toBe(true);
    const list = calls.find((c) => c.url.startsWith("/api/hostings"));
    expect(new URL(list?.url ?? "", "http://localhost").searchParams.get("sort")).toBe(
      "stateChangedAt",
    );
  });

  it("is the customer's own list, which never asks for the fleet", async () => {
    const { calls } = mockFetch({
      "GET /api/session": { body: { user: customer } },
      "GET /api/hostings": { body: { items: [hostingSummary()], total: 1 } },
    });
    renderApp();
    expect(await screen.findByRole("heading", { name: "Your hostings" })).toBeTruthy();
    expect(await screen.findByRole("link", { name: "example.org" })).toBeTruthy();
    expect(calls.some((c) => c.url.startsWith("/api/fleet"))).toBe(false);
    expect(screen.queryByRole("heading", { name: "Hostings by state" })).toBeNull();
  });
});
