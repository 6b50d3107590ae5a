// @vitest-environment jsdom
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { mockFetch, renderWithProviders } from "../../../testing/render.tsx";
import { SessionsList } from "./sessions-list.tsx";

const here = {
  id: "0193c6f2-0000-7000-8000-00000000000a",
  createdAt: "2026-03-10T09:00:00.000Z",
  expiresAt: "2026-03-10T21:00:00.000Z",
  current: true,
};
const elsewhere = {
  id: "0193c6f2-0000-7000-8000-00000000000b",
  createdAt: "2026-03-09T08:00:00.000Z",
  expiresAt: "2026-03-10T20:00:00.000Z",
  current: false,
};

describe("sessions list", () => {
  it("marks this device, ends another session and lists what is left", async () => {
    let list = [here, elsewhere];
    const { calls } = mockFetch({
      "GET /api/account/sessions": () => ({ body: list }),
      [`DELETE /api/account/sessions/${elsewhere.id}`]: () => {
        list = [here];
        return { status: 204 };
      },
    });
    renderWithProviders(<SessionsList />);
    const table = await screen.findByRole("table", { name: "Where you are signed in" });
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows).toHaveLength(2);
    // this device has no End button: signing out is the menu's
    expect(within(rows[0]!).getAllByText("this device").length).toBeGreaterThan(0);
    expect(within(rows[0]!).queryByRole("button")).toBeNull();
    // the badge and the time are one piece of the cell (on a phone it sits beside the label)
    const signedIn = within(rows[0]!).getAllByRole("cell")[0]!;
    expect(signedIn.children).toHaveLength(1);
    expect(signedIn.textContent).toMatch(/this device$/);
    const end = within(rows[1]!).getByRole("button", { name: /^End the session signed in / });
    await userEvent.click(end);
    await screen.findByText(/^The session signed in .* has ended\.$/);
    expect(calls.filter((c) => c.method === "DELETE").map((c) => c.url)).toEqual([
      `/api/account/sessions/${elsewhere.id}`,
    ]);
    await waitFor(() => expect(within(table).getAllByRole("row")).toHaveLength(2));
  });

  it("reads in Portuguese", async () => {
    mockFetch({ "GET /api/account/sessions": { body: [here] } });
    renderWithProviders(<SessionsList />, { locale: "pt" });
    expect(await screen.findByRole("table", { name: "Onde tem sessão iniciada" })).toBeTruthy();
    expect(screen.getAllByText("este dispositivo").length).toBeGreaterThan(0);
  });
});
