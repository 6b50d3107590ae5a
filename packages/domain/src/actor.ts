import type { Locale, UserRole } from "@scripts-email/contracts";

/** Who is asking: a signed-in user, or the system itself (jobs, automatic rules). */
export type Actor =
  | { kind: "user"; userId: string; email: string; role: UserRole; locale: Locale }
  | {
      kind: "system";
      /** An automatic protection rule acting: its blocks are told to the owner. */
      automatic?: true;
    };

export const SYSTEM: Actor = { kind: "system" };
/** The system acting on its own rules (bounce ratio, burst rate), not on someone's request. */
export const AUTOMATIC: Actor = { kind: "system", automatic: true };

export function actorRoleOf(actor: Actor): "customer" | "support" | "system" {
  return actor.kind === "system" ? "system" : actor.role;
}
