// @vitest-environment jsdom
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { errorResponse, mockFetch, renderWithProviders } from "../../../testing/render.tsx";
import { ApiTokens } from "./api-tokens.tsx";

const SECRET = "se_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

const listed = {
  id: "0193c6f2-0000-7000-8000-000000000001",
  name: "deploy script",
  prefix: "se_AbC1234",
  createdAt: "2026-03-01T10:00:00.000Z",
  lastUsedAt: null,
  expiresAt: "2099-05-30T10:00:00.000Z",
};

describe("API tokens section", () => {
  it("lists tokens without secrets, creates one with a chosen expiry and shows it once", async () => {
    let list = [listed];
    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    const { calls } = mockFetch({
      "GET /api/tokens": () => ({ body: list }),
      "POST /api/tokens": (call) => {
        const body = call.body as { name: string; expiresInDays: number };
        const created = {
          ...listed,
          id: "0193c6f2-0000-7000-8000-000000000002",
          name: body.name,
          prefix: SECRET.slice(0, 10),
          token: SECRET,
        };
        const { token: _secret, ...summary } = created;
        list = [summary, ...list];
        return { status: 201, body: created };
      },
    });
    renderWithProviders(<ApiTokens />);
    const table = await screen.findByRole("table", { name: "API tokens" });
    expect(within(table).getByText("deploy script")).toBeTruthy();
    expect(within(table).getByText("se_AbC1234…")).toBeTruthy();
    expect(within(table).getByText("never")).toBeTruthy();

    await userEvent.type(screen.getByLabelText("Name"), "backup cron");
    await userEvent.selectOptions(screen.getByLabelText("Valid for"), "30");
    await userEvent.click(screen.getByRole("button", { name: "Create token" }));

    const shown = await screen.findByRole("textbox", { name: "Your new token “backup cron”" });
    expect((shown as HTMLInputElement).value).toBe(SECRET);
    expect(screen.getByText(/it will not be shown again/)).toBeTruthy();
    expect(calls.find((c) => c.method === "POST")?.body).toEqual({
      name: "backup cron",
      expiresInDays: 30,
    });
    await waitFor(() => expect(within(table).getByText("backup cron")).toBeTruthy());
    // the list is the server's, which never holds the secret
    expect(table.textContent).not.toContain(SECRET);

    await userEvent.click(screen.getByRole("button", { name: "Copy" }));
    expect(writeText).toHaveBeenCalledWith(SECRET);
    expect(await screen.findByText("Copied.")).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "Dismiss" }));
    expect(screen.queryByDisplayValue(SECRET)).toBeNull();
  });

  it("revokes a token after confirmation and says so", async () => {
    let list = [listed];
    const { calls } = mockFetch({
      "GET /api/tokens": () => ({ body: list }),
      [`DELETE /api/tokens/${listed.id}`]: () => {
        list = [];
        return { status: 204 };
      },
    });
    renderWithProviders(<ApiTokens />);
    await userEvent.click(
      await screen.findByRole("button", { name: "Revoke the token “deploy script”" }),
    );
    const dialog = screen.getByRole("dialog", { name: "Revoke the token “deploy script”" });
    expect(within(dialog).getByText(/stops working at once/)).toBeTruthy();
    expect(calls.some((c) => c.method === "DELETE")).toBe(false);
    await userEvent.click(within(dialog).getByRole("button", { name: "Revoke" }));
    expect(await screen.findByText("The token “deploy script” was revoked.")).toBeTruthy();
    expect(await screen.findByText("You have no API tokens.")).toBeTruthy();
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("marks expired tokens and shows a refused creation", async () => {
    mockFetch({
      "GET /api/tokens": { body: [{ ...listed, expiresAt: "2020-01-01T00:00:00.000Z" }] },
      "POST /api/tokens": errorResponse(403, "forbidden", "You are not allowed to do this."),
    });
    renderWithProviders(<ApiTokens />, { locale: "fr" });
    expect(await screen.findByText("expiré")).toBeTruthy();
    await userEvent.type(screen.getByLabelText("Nom"), "x");
    await userEvent.click(screen.getByRole("button", { name: "Créer le jeton" }));
    expect((await screen.findByRole("alert")).textContent).toBe(
      "Vous n’êtes pas autorisé à faire ceci.",
    );
  });
});
