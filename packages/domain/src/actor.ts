import type { Locale, UserRole } from "@scripts-email/contracts";

/** Who is asking: a signed-in user, or the system itself (jobs, automatic rules). */
export type Actor =
  | { kind: "user"; userId: string; email: string; role: UserRole; locale: Locale }
  | { kind: "system" };

export const SYSTEM: Actor = { kind: "system" };

export function actorRoleOf(actor: Actor): "customer" | "support" | "system" {
  return actor.kind === "system" ? "system" : actor.role;
}
