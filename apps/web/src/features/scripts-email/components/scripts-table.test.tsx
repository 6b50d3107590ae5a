// @vitest-environment jsdom
import type { ScriptList, ScriptStats } from "@scripts-email/contracts";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { mockFetch, type RecordedCall, renderWithProviders } from "../../../testing/render.tsx";
import { ScriptsSection, scriptRows } from "./scripts-table.tsx";

const url = "/api/hostings/example.org/email/scripts";

function stats(script: string, counts: Partial<ScriptStats> = {}): ScriptStats {
  return { script, accepted: 0, sent: 0, failed: 0, held: 0, spam: 0, refused: 0, ...counts };
}

const HACK = "wp-content/plugins/form/hack.php";

/** A server that keeps the held scripts, as the API does. */
function server(initial: ScriptList) {
  let heldScripts = [...initial.heldScripts];
  const change = (hold: boolean) => (call: RecordedCall) => {
    const { script } = call.body as { script: string };
    heldScripts = hold
      ? [...new Set([...heldScripts, script])]
      : heldScripts.filter((s) => s !== script);
    return { body: { heldScripts } };
  };
  return mockFetch({
    [`GET ${url}`]: (call) =>
      new URL(call.url, "http://localhost").searchParams.get("days") === "30"
        ? { body: { items: [], heldScripts } }
        : { body: { items: initial.items, heldScripts } },
    [`PUT ${url}/held`]: change(true),
    [`DELETE ${url}/held`]: change(false),
  });
}

function setup(role: "customer" | "support", locale?: "en" | "pt" | "fr") {
  const onNotice = vi.fn();
  renderWithProviders(
    <ScriptsSection serviceName="example.org" role={role} onNotice={onNotice} />,
    locale ? { locale } : {},
  );
  return { onNotice };
}

const incident: ScriptList = {
  items: [
    stats(HACK, { accepted: 120, held: 2, spam: 118 }),
    stats("shop/order.php", { accepted: 30, sent: 27, failed: 3 }),
    stats("smtp", { accepted: 1, sent: 1, refused: 4 }),
  ],
  heldScripts: ["old/form.php"],
};

function cells(row: HTMLElement) {
  return within(row)
    .getAllByRole("cell")
    .map((c) => c.textContent);
}

describe("per-script view", () => {
  it("lists scripts by volume with their counts, spam highlighted, and every held script", async () => {
    const { calls } = server(incident);
    setup("customer");
    const table = await screen.findByRole("table", { name: "Scripts" });
    const headers = within(table)
      .getAllByRole("columnheader")
      .map((h) => h.textContent);
    expect(headers).toEqual([
      "Script",
      "Accepted",
      "Sent",
      "Failed",
      "Held",
      "Spam",
      "Refused",
      "Actions",
    ]);
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows.map((r) => cells(r).slice(1, 7))).toEqual([
      ["120", "0", "0", "2", "118", "0"],
      ["30", "27", "3", "0", "0", "0"],
      ["1", "1", "0", "0", "0", "4"],
      ["0", "0", "0", "0", "0", "0"],
    ]);
    expect(rows[0]!.textContent).toContain(HACK);
    // a held script without mail in the period is listed too, marked held, with a way back
    expect(rows[3]!.textContent).toContain("old/form.php");
    expect(within(rows[3]!).getByText("Held")).toBeTruthy();
    expect(within(rows[0]!).queryByText("Held")).toBeNull();
    // only a non-zero spam count stands out
    const spam = (row: HTMLElement) => within(row).getAllByRole("cell")[5]!;
    expect(spam(rows[0]!).className).toContain("cell-alert");
    expect(spam(rows[1]!).className).not.toContain("cell-alert");
    expect(screen.getByRole("button", { name: `Hold ${HACK}` })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Resume old/form.php" })).toBeTruthy();
    expect(screen.getByText(/1 script is held/)).toBeTruthy();
    expect(new URL(calls[0]!.url, "http://localhost").searchParams.get("days")).toBe("7");
  });

  it("changes the period, and says when there was no mail", async () => {
    const { calls } = server({ items: incident.items, heldScripts: [] });
    setup("customer");
    await screen.findByRole("table", { name: "Scripts" });
    const period = screen.getByLabelText("Period");
    expect(
      within(period)
        .getAllByRole("option")
        .map((o) => o.textContent),
    ).toEqual(["Since midnight UTC", "Last 7 days", "Last 30 days"]);
    await userEvent.selectOptions(period, "30");
    expect(await screen.findByText("No mail in the last 30 days.")).toBeTruthy();
    expect(screen.queryByRole("table")).toBeNull();
    expect(new URL(calls.at(-1)!.url, "http://localhost").searchParams.get("days")).toBe("30");
  });

  it("holds a script after saying what it does, then shows it held", async () => {
    const { calls } = server(incident);
    const { onNotice } = setup("customer");
    await userEvent.click(await screen.findByRole("button", { name: `Hold ${HACK}` }));
    const dialog = screen.getByRole("dialog", { name: `Hold ${HACK}?` });
    expect(
      within(dialog).getByText(
        new RegExp(`^New mail from ${HACK} will be held; the rest of the site keeps sending\\.`),
      ),
    ).toBeTruthy();
    // only support is asked for a reason
    expect(within(dialog).queryByRole("textbox")).toBeNull();
    await userEvent.click(within(dialog).getByRole("button", { name: "Hold script" }));

    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(onNotice).toHaveBeenCalledWith(`${HACK} is held. The rest of the site keeps sending.`);
    expect(calls.find((c) => c.method === "PUT")?.body).toEqual({ script: HACK });
    const row = (await screen.findByRole("button", { name: `Resume ${HACK}` })).closest("tr")!;
    expect(within(row).getByText("Held")).toBeTruthy();
    expect(screen.getByText(/2 scripts are held/)).toBeTruthy();
  });

  it("asks support for a reason before resuming a script, and sends it", async () => {
    const { calls } = server(incident);
    const { onNotice } = setup("support");
    await userEvent.click(await screen.findByRole("button", { name: "Resume old/form.php" }));
    const dialog = screen.getByRole("dialog", { name: "Resume old/form.php?" });
    expect(within(dialog).getByText(/will be sent again/)).toBeTruthy();
    const confirm = within(dialog).getByRole("button", { name: "Resume script" });
    await userEvent.click(confirm);
    expect(within(dialog).getByText("Enter a reason.")).toBeTruthy();
    expect(calls.filter((c) => c.method === "DELETE")).toHaveLength(0);

    await userEvent.type(within(dialog).getByLabelText("Reason (required)"), "Ticket 12: fixed");
    await userEvent.click(confirm);
    await waitFor(() => expect(onNotice).toHaveBeenCalledWith("old/form.php can send again."));
    expect(calls.find((c) => c.method === "DELETE")?.body).toEqual({
      script: "old/form.php",
      reason: "Ticket 12: fixed",
    });
    await waitFor(() => expect(screen.queryByText("old/form.php")).toBeNull());
  });

  it("names its buttons in the chosen language", async () => {
    server(incident);
    setup("customer", "fr");
    expect(await screen.findByRole("table", { name: "Scripts" })).toBeTruthy();
    expect(screen.getByRole("button", { name: `Retenir ${HACK}` })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Reprendre old/form.php" })).toBeTruthy();
    expect(screen.getByRole("columnheader", { name: "Refusés" })).toBeTruthy();
  });
});

describe("scriptRows", () => {
  it("adds the held scripts without mail after the others, once", () => {
    expect(
      scriptRows({
        items: [stats("a.php", { accepted: 3 }), stats("b.php", { accepted: 1 })],
        heldScripts: ["b.php", "c.php"],
      }).map((r) => [r.script, r.accepted]),
    ).toEqual([
      ["a.php", 3],
      ["b.php", 1],
      ["c.php", 0],
    ]);
  });
});
