import type { EmailAction } from "@scripts-email/contracts";
import type { Actor } from "../actor.ts";
import type { RaiseAlert } from "./alert-service.ts";

/**
 * The alert a panel action tells the owner of, if any: a block by the protection (`auto_block`)
 * or by support (`support_block`, with support's reason), an unblock by support or the system
 * (`unblocked`). What the owner does themself, and purges, are not told (a finished purge is).
 * One alert per change: the change's time names the occasion.
 */
export function transitionAlert(
  actor: Actor,
  action: EmailAction,
  hostingId: string,
  at: Date,
  reason: string | null,
): RaiseAlert | null {
  const role = actor.kind === "system" ? "system" : actor.role;
  const occasion = at.toISOString();
  const details = { at: occasion, reason: reason ?? "" };
  if (action === "block") {
    if (actor.kind === "system" && actor.automatic) {
      return { kind: "auto_block", hostingId, occasion, details };
    }
    return role === "support" ? { kind: "support_block", hostingId, occasion, details } : null;
  }
  if (action === "unblock" && role !== "customer") {
    return { kind: "unblocked", hostingId, occasion, details: { ...details, by: role } };
  }
  return null;
}

/** The alert of a finished purge's return to active: the system unblocked the hosting. */
export function purgeUnblockAlert(hostingId: string, at: Date): RaiseAlert {
  const occasion = at.toISOString();
  return {
    kind: "unblocked",
    hostingId,
    occasion,
    details: { at: occasion, reason: "", by: "purge" },
  };
}
