// @vitest-environment jsdom
import type { EmailStatus, UserRole } from "@scripts-email/contracts";
import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { renderWithProviders } from "../../../testing/render.tsx";
import { ActionButtons } from "./action-buttons.tsx";

function setup(status: Pick<EmailStatus, "state" | "blockedBy">, role: UserRole) {
  const onAction = vi.fn();
  renderWithProviders(<ActionButtons status={status} role={role} onAction={onAction} />);
  return {
    onAction,
    block: screen.getByRole("button", { name: "Block sending" }) as HTMLButtonElement,
    purge: screen.getByRole("button", { name: "Purge held mail" }) as HTMLButtonElement,
    unblock: screen.getByRole("button", { name: "Unblock sending" }) as HTMLButtonElement,
  };
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
    const { purge, unblock } = setup({ state: "blocked", blockedBy: "support" }, "customer");
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
});
