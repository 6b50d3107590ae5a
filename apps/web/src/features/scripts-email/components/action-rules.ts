import type { EmailAction, EmailStatus, UnblockRule, UserRole } from "@scripts-email/contracts";
import type { MessageKey } from "../../../lib/i18n.tsx";

export interface ActionAvailability {
  enabled: boolean;
  /** Why it is disabled and what to do, for the description next to the button. */
  reason: MessageKey | null;
  /** What the action will do beyond the usual, for the description of an enabled button. */
  note: MessageKey | null;
  /** The button's label when it is not the action's usual one. */
  label: MessageKey | null;
}

export const ACTIONS: readonly EmailAction[] = ["block", "purge", "unblock"];

export type ActionStatus = Pick<EmailStatus, "state" | "blockedBy" | "blockCause" | "unblock">;

const UNBLOCK_REFUSAL: Record<Exclude<UnblockRule["reason"], null | "not_blocked">, MessageKey> = {
  blocked_by_support: "web.action.disabled.supportBlock",
  spam_not_purged: "web.action.disabled.spamNotPurged",
};

const off = (reason: MessageKey): ActionAvailability => ({
  enabled: false,
  reason,
  note: null,
  label: null,
});
const on: ActionAvailability = { enabled: true, reason: null, note: null, label: null };

/**
 * Mirrors the server's rules so the panel offers only what will work: the state machine, and
 * for unblocking the server's own answer for this user (`status.unblock`). The server stays the
 * judge (it answers 409 with the code otherwise).
 */
export function actionAvailability(
  action: EmailAction,
  status: ActionStatus,
  role: UserRole,
): ActionAvailability {
  const { state } = status;
  if (action === "block") {
    if (state === "active") return on;
    return off(state === "purging" ? "web.action.disabled.purging" : "web.action.block.disabled");
  }
  if (state === "purging") return off("web.action.disabled.purging");
  if (state === "active") {
    return off(action === "purge" ? "web.action.purge.disabled" : "web.action.unblock.disabled");
  }
  if (action === "purge") {
    const lockedBySupport =
      role === "customer" && (status.blockedBy === "support" || status.blockCause === "support");
    return lockedBySupport ? off("web.action.disabled.supportBlock") : on;
  }
  const { reason } = status.unblock;
  if (!status.unblock.allowed && reason && reason !== "not_blocked") {
    return off(UNBLOCK_REFUSAL[reason]);
  }
  // a bounce block is acknowledged: the threshold is relaxed for a day
  if (status.blockCause === "bounce") {
    return {
      enabled: true,
      reason: null,
      note: "web.action.unblock.acknowledgeHint",
      label: "web.action.unblock.acknowledge",
    };
  }
  return on;
}
