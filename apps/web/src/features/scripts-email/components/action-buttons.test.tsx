// @vitest-environment jsdom
import type { EmailStatus, UserRole } from "@scripts-email/contracts";
import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { emailStatus } from "../../../testing/fixtures.ts";
import { renderWithProviders } from "../../../testing/render.tsx";
import { ActionButtons } from "./action-buttons.tsx";

const ALLOWED = { allowed: true, reason: null } as const;

function setup(status: Partial<EmailStatus>, role: UserRole, unblockName = "Unblock sending") {
  const onAction = vi.fn();
  renderWithProviders(
    <ActionButtons status={emailStatus(status)} role={role} onAction={onAction} />,
  );
  return {
    onAction,
    block: screen.getByRole("button", { name: "Block sending" }) as HTMLButtonElement,
    purge: screen.getByRole("button", { name: "Purge held mail" }) as HTMLButtonElement,
    unblock: screen.getByRole("button", { name: unblockName }) as HTMLButtonElement,
  };
}

/** The text of the element that describes `element`. */
function description(element: HTMLElement): string | null | undefined {
  const id = element.getAttribute("aria-describedby");
  return id ? document.getElementById(id)?.textContent : null;
}

describe("block / purge / unblock buttons", () => {
  it("offers only block while active; purge says why it is disabled", async () => {
    const { block, purge, unblock, onAction } = setup(
      { state: "active", blockedBy: null },
      "customer",
    );
    expect(block.disabled).toBe(false);
    expect(purge.disabled).toBe(true);
    expect(unblock.disabled).toBe(true);
    const why = "Held mail can only be purged while sending is blocked.";
    expect(purge.title).toBe(why);
    expect(purge).toHaveProperty("ariaDescription", null);
    const describedBy = purge.getAttribute("aria-describedby");
    expect(describedBy && document.getElementById(describedBy)?.textContent).toBe(why);

    await userEvent.click(block);
    expect(onAction).toHaveBeenCalledWith("block");
  });

  it("offers purge and unblock while blocked by the customer", () => {
    const { block, purge, unblock } = setup(
      { state: "blocked", blockedBy: "customer" },
      "customer",
    );
    expect(block.disabled).toBe(true);
    expect(purge.disabled).toBe(false);
    expect(unblock.disabled).toBe(false);
  });

  it("does not let a customer lift a support block, and says so", () => {
    const { purge, unblock } = setup(
      {
        state: "blocked",
        blockedBy: "support",
        blockCause: "support",
        unblock: { allowed: false, reason: "blocked_by_support" },
      },
      "customer",
    );
    expect(unblock.disabled).toBe(true);
    expect(purge.disabled).toBe(true);
    expect(unblock.title).toMatch(/only support can lift this block/);
  });

  it("lets support lift its own block", () => {
    const { purge, unblock } = setup({ state: "blocked", blockedBy: "support" }, "support");
    expect(unblock.disabled).toBe(false);
    expect(purge.disabled).toBe(false);
  });

  it("disables everything while purging", () => {
    const { block, purge, unblock } = setup({ state: "purging", blockedBy: "customer" }, "support");
    expect([block.disabled, purge.disabled, unblock.disabled]).toEqual([true, true, true]);
    expect(purge.title).toMatch(/purge is in progress/);
  });

  it("keeps unblock disabled while spam is held, and says what to do first", () => {
    const { purge, unblock } = setup(
      {
        state: "blocked",
        blockedBy: "system",
        blockCause: "spam",
        unblock: { allowed: false, reason: "spam_not_purged" },
      },
      "customer",
    );
    expect(unblock.disabled).toBe(true);
    expect(purge.disabled).toBe(false);
    expect(description(unblock)).toBe(
      "Delete the mail flagged as spam first (purge, or delete it selectively), then unblock.",
    );
  });

  it("lets support unblock a spam block (the server allows it, with a reason)", () => {
    const { unblock } = setup(
      { state: "blocked", blockedBy: "system", blockCause: "spam", unblock: ALLOWED },
      "support",
    );
    expect(unblock.disabled).toBe(false);
  });

  it("offers to acknowledge a bounce block and resume, explaining the relaxed threshold", async () => {
    const { unblock, onAction } = setup(
      { state: "blocked", blockedBy: "system", blockCause: "bounce" },
      "customer",
      "Acknowledge and resume",
    );
    expect(unblock.disabled).toBe(false);
    expect(description(unblock)).toBe(
      "Sending resumes, and for 24 hours the bounce threshold is doubled.",
    );
    await userEvent.click(unblock);
    expect(onAction).toHaveBeenCalledWith("unblock");
  });
});
