import type { EmailAction, EmailStatus, UserRole } from "@scripts-email/contracts";
import type { MessageKey } from "../../../lib/i18n.tsx";

export interface ActionAvailability {
  enabled: boolean;
  /** Why it is disabled, for the description next to the button. */
  reason: MessageKey | null;
}

export const ACTIONS: readonly EmailAction[] = ["block", "purge", "unblock"];

/**
 * Mirrors the server's state machine so the panel offers only what will work; the server stays
 * the judge (it answers 409 / 403 otherwise).
 */
export function actionAvailability(
  action: EmailAction,
  status: Pick<EmailStatus, "state" | "blockedBy">,
  role: UserRole,
): ActionAvailability {
  const { state } = status;
  const lockedBySupport =
    role === "customer" && state !== "active" && status.blockedBy === "support";
  if (action === "block") {
    if (state === "active") return { enabled: true, reason: null };
    return {
      enabled: false,
      reason: state === "purging" ? "web.action.disabled.purging" : "web.action.block.disabled",
    };
  }
  if (state === "purging") return { enabled: false, reason: "web.action.disabled.purging" };
  if (state === "active") {
    return {
      enabled: false,
      reason: action === "purge" ? "web.action.purge.disabled" : "web.action.unblock.disabled",
    };
  }
  if (lockedBySupport) return { enabled: false, reason: "web.action.disabled.supportBlock" };
  return { enabled: true, reason: null };
}
