// @vitest-environment jsdom
import { type HostingNote, NOTE_MAX } from "@scripts-email/contracts";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { customer, emailStatus, support } from "../../../testing/fixtures.ts";
import { mockFetch, type RecordedCall, renderWithProviders } from "../../../testing/render.tsx";
import { HostingNotes } from "./hosting-notes.tsx";
import { ScriptsEmailPage } from "./scripts-email-page.tsx";

const notesUrl = "/api/hostings/example.org/notes";

function note(n: number, overrides: Partial<HostingNote> = {}): HostingNote {
  return {
    id: `0190a0b0-0000-7000-8000-${String(n).padStart(12, "0")}`,
    body: `note ${n}`,
    createdAt: new Date(Date.UTC(2025, 0, 1, 10, n)).toISOString(),
    author: { email: "agent@hoster.test" },
    ...overrides,
  };
}

/** The notes API as the server answers: newest first, POST adds, DELETE removes. */
function notesApi(initial: HostingNote[]) {
  let items = [...initial];
  let next = 100;
  return mockFetch({
    [`GET ${notesUrl}`]: () => ({ body: { items } }),
    [`POST ${notesUrl}`]: (call: RecordedCall) => {
      const created = note(next++, { body: (call.body as { body: string }).body });
      items = [created, ...items];
      return { status: 201, body: created };
    },
    ...Object.fromEntries(
      initial.map((n) => [
        `DELETE ${notesUrl}/${n.id}`,
        () => {
          items = items.filter((i) => i.id !== n.id);
          return { status: 204 };
        },
      ]),
    ),
  });
}

describe("internal notes", () => {
  it("lists the notes with author and date, as plain text", async () => {
    const script = '<img src=x onerror="alert(1)">\nsecond line';
    notesApi([note(2, { body: script }), note(1, { author: { email: null } })]);
    renderWithProviders(<HostingNotes serviceName="example.org" onNotice={() => {}} />);
    const list = await screen.findByRole("list", { name: "Internal notes" });
    const items = within(list).getAllByRole("listitem");
    expect(items).toHaveLength(2);
    expect(items[0]?.querySelector(".note-body")?.textContent).toBe(script);
    expect(items[0]?.querySelector("img")).toBeNull();
    expect(within(items[0] as HTMLElement).getByText("by agent@hoster.test")).toBeTruthy();
    expect(items[0]?.querySelector("time")?.getAttribute("dateTime")).toBe(note(2).createdAt);
    expect(within(items[1] as HTMLElement).getByText("by a former support user")).toBeTruthy();
  });

  it("adds a note: counts the characters left, refuses an empty or too long one", async () => {
    const { calls } = notesApi([]);
    const onNotice = vi.fn();
    renderWithProviders(<HostingNotes serviceName="example.org" onNotice={onNotice} />);
    expect(await screen.findByText("No internal notes on this hosting yet.")).toBeTruthy();
    const field = screen.getByRole("textbox", { name: "New note" });
    expect(screen.getByText("2,000 characters left")).toBeTruthy();

    await userEvent.click(screen.getByRole("button", { name: "Add note" }));
    expect(screen.getByText("Write the note before adding it.")).toBeTruthy();
    expect(field.getAttribute("aria-invalid")).toBe("true");

    await userEvent.click(field);
    await userEvent.paste("x".repeat(NOTE_MAX + 2));
    expect(screen.getByText("The note is 2 characters too long: at most 2,000.")).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "Add note" }));
    expect(calls.filter((c) => c.method === "POST")).toHaveLength(0);

    await userEvent.clear(field);
    await userEvent.type(field, "  Called the owner ");
    expect(screen.getByText("1,984 characters left")).toBeTruthy();
    expect(field.getAttribute("aria-invalid")).toBeNull();
    await userEvent.click(screen.getByRole("button", { name: "Add note" }));
    await waitFor(() => expect(onNotice).toHaveBeenCalledWith("Internal note added."));
    expect(calls.find((c) => c.method === "POST")?.body).toEqual({ body: "Called the owner" });
    expect(await screen.findByText("Called the owner")).toBeTruthy();
    expect((field as HTMLTextAreaElement).value).toBe("");
  });

  it("deletes a note after a confirmation showing it", async () => {
    const { calls } = notesApi([note(2), note(1)]);
    const onNotice = vi.fn();
    renderWithProviders(<HostingNotes serviceName="example.org" onNotice={onNotice} />);
    const list = await screen.findByRole("list", { name: "Internal notes" });
    const [first] = within(list).getAllByRole("button", { name: /^Delete the note of / });
    await userEvent.click(first as HTMLElement);
    const dialog = screen.getByRole("dialog", { name: "Delete this internal note?" });
    expect(within(dialog).getByText("note 2")).toBeTruthy();
    await userEvent.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(calls.filter((c) => c.method === "DELETE")).toHaveLength(0);

    await userEvent.click(first as HTMLElement);
    await userEvent.click(screen.getByRole("button", { name: "Delete note" }));
    await waitFor(() => expect(onNotice).toHaveBeenCalledWith("Internal note deleted."));
    expect(calls.filter((c) => c.method === "DELETE").map((c) => c.url)).toEqual([
      `${notesUrl}/${note(2).id}`,
    ]);
    await waitFor(() => expect(screen.queryByText("note 2")).toBeNull());
    expect(screen.getByText("note 1")).toBeTruthy();
  });

  it("is in French", async () => {
    notesApi([]);
    renderWithProviders(<HostingNotes serviceName="example.org" onNotice={() => {}} />, {
      locale: "fr",
    });
    expect(await screen.findByRole("heading", { name: "Notes internes" })).toBeTruthy();
    expect(screen.getByText(/^2\s000 caractères restants$/)).toBeTruthy();
  });

  it("is in Portuguese", async () => {
    notesApi([]);
    renderWithProviders(<HostingNotes serviceName="example.org" onNotice={() => {}} />, {
      locale: "pt",
    });
    expect(await screen.findByRole("heading", { name: "Notas internas" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Adicionar nota" })).toBeTruthy();
  });
});

describe("the Scripts-email page", () => {
  const routes = {
    "GET /api/hostings/example.org/email": { body: emailStatus() },
    [`GET ${notesUrl}`]: { body: { items: [note(1, { body: "Watch this site" })] } },
  };

  it("shows support the internal notes", async () => {
    mockFetch(routes);
    renderWithProviders(<ScriptsEmailPage serviceName="example.org" user={support} />);
    // the whole page, then the notes' code loaded on demand
    expect(
      await screen.findByRole("heading", { name: "Internal notes" }, { timeout: 5000 }),
    ).toBeTruthy();
    expect(await screen.findByText("Watch this site")).toBeTruthy();
  });

  it("never shows them to the customer, nor asks for them", async () => {
    const { calls } = mockFetch(routes);
    renderWithProviders(<ScriptsEmailPage serviceName="example.org" user={customer} />);
    expect(await screen.findByRole("heading", { name: "History" })).toBeTruthy();
    expect(screen.queryByRole("heading", { name: "Internal notes" })).toBeNull();
    expect(screen.queryByText("Watch this site")).toBeNull();
    expect(calls.some((c) => c.url.includes("/notes"))).toBe(false);
  });
});
