// @vitest-environment jsdom
import type { ScriptStats, UserRole } from "@scripts-email/contracts";
import { t as translate } from "@scripts-email/i18n";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { Locale } from "../../../lib/i18n.tsx";
import { customer, emailStatus } from "../../../testing/fixtures.ts";
import { mockFetch, renderWithProviders } from "../../../testing/render.tsx";
import { ActionDialog } from "./action-dialog.tsx";
import { EmailActions } from "./email-actions.tsx";
import { type UnblockFactsStatus, unblockFacts } from "./unblock-facts.ts";

const support: UserRole = "support";

const facts = (
  locale: Locale,
  status: Partial<UnblockFactsStatus>,
  scriptsHeld: number | null = 0,
) =>
  unblockFacts({ held: 0, spam: 0, heldScripts: [], ...status }, scriptsHeld, (key, params) =>
    translate(locale, key, params),
  );

describe("what an unblock sends and leaves held", () => {
  it("says when nothing is held", () => {
    expect(facts("en", {})).toEqual(["Nothing is held: sending simply resumes."]);
    expect(facts("fr", {})).toEqual(["Rien n’est retenu : l’envoi reprend simplement."]);
  });

  it("counts what goes out, apart from the held scripts' mail and the spam", () => {
    const status = { held: 10, spam: 2, heldScripts: ["hack.php"] };
    expect(facts("en", status, 3)).toEqual([
      "5 held messages go out now.",
      "3 messages of the held scripts (hack.php) stay held.",
      "2 messages flagged as spam stay held.",
    ]);
    expect(facts("pt", status, 3)).toEqual([
      "5 mensagens retidas são enviadas agora.",
      "3 mensagens dos scripts retidos (hack.php) continuam retidas.",
      "2 mensagens marcadas como spam continuam retidas.",
    ]);
    expect(facts("fr", { held: 2, spam: 1 })).toEqual([
      "1 message retenu part maintenant.",
      "1 message signalé comme spam reste retenu.",
    ]);
  });

  it("says nothing goes out when all the held mail stays held", () => {
    expect(facts("en", { held: 1, spam: 1 })).toEqual([
      "No held message goes out.",
      "1 message flagged as spam stays held.",
    ]);
  });

  it("does not guess a count while the held scripts' mail is unknown", () => {
    expect(facts("en", { held: 4, heldScripts: ["a.php", "b.php"] }, null)).toEqual([
      "The rest of the held mail goes out now.",
      "The mail of the held scripts (a.php, b.php) stays held.",
    ]);
  });
});

describe("the unblock dialog", () => {
  it("reads the held scripts' mail and says what goes out", async () => {
    const row = (script: string, held: number): ScriptStats => ({
      script,
      accepted: held,
      sent: 0,
      failed: 0,
      held,
      spam: 0,
      refused: 0,
    });
    const { calls } = mockFetch({
      "GET /api/hostings/example.org/email/scripts": {
        body: { items: [row("hack.php", 6), row("order.php", 3)], heldScripts: ["hack.php"] },
      },
    });
    renderWithProviders(
      <ActionDialog
        serviceName="example.org"
        action="unblock"
        role={support}
        status={{ held: 9, spam: 0, blockCause: "support", heldScripts: ["hack.php"] }}
        onClose={vi.fn()}
        onDone={vi.fn()}
      />,
    );
    const dialog = screen.getByRole("dialog");
    await waitFor(() =>
      expect(within(dialog).getByText("3 held messages go out now.")).toBeTruthy(),
    );
    expect(
      within(dialog).getByText("6 messages of the held scripts (hack.php) stay held."),
    ).toBeTruthy();
    expect(dialog.textContent).not.toMatch(/being delivered|delivered now/);
    expect(calls[0]?.url).toContain("days=30");
  });

  it("asks nothing when no script is held", () => {
    const { calls } = mockFetch({});
    renderWithProviders(
      <ActionDialog
        serviceName="example.org"
        action="unblock"
        role={support}
        status={{ held: 0, spam: 0, blockCause: "customer", heldScripts: [] }}
        onClose={vi.fn()}
        onDone={vi.fn()}
      />,
    );
    expect(screen.getByText("Nothing is held: sending simply resumes.")).toBeTruthy();
    expect(calls).toHaveLength(0);
  });
});

describe("the unblock notice", () => {
  it("says what went out and what stays held, in French", async () => {
    mockFetch({
      "POST /api/hostings/example.org/email/requests": {
        status: 202,
        body: emailStatus({ state: "active", held: 2, spam: 2 }),
      },
    });
    const onNotice = vi.fn();
    renderWithProviders(
      <EmailActions
        serviceName="example.org"
        status={emailStatus({ state: "blocked", blockedBy: "support", held: 7, spam: 2 })}
        user={{ ...customer, role: "support" }}
        onNotice={onNotice}
      />,
      { locale: "fr" },
    );
    await userEvent.click(screen.getByRole("button", { name: "Débloquer l’envoi" }));
    const dialog = screen.getByRole("dialog");
    await userEvent.type(within(dialog).getByRole("textbox"), "Site nettoyé");
    await userEvent.click(within(dialog).getByRole("button", { name: "Débloquer et envoyer" }));
    await waitFor(() => expect(onNotice).toHaveBeenCalled());
    expect(onNotice).toHaveBeenCalledWith(
      "L’envoi est débloqué. 5 messages retenus partent maintenant. 2 messages signalés comme spam restent retenus.",
    );
  });
});
