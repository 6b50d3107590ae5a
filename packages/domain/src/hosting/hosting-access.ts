import type { Actor } from "../actor.ts";
import { DomainError } from "../errors.ts";
import type { HostingRepository, HostingRow } from "./hosting-repository.ts";

/** Customers see their own hostings only; support and the system see all. */
export function canSee(actor: Actor, hosting: { ownerId: string }): boolean {
  if (actor.kind === "system") return true;
  return actor.role === "support" || hosting.ownerId === actor.userId;
}

/** The owner a query must restrict hostings to for `actor`: null when it sees them all. */
export function ownerFilterOf(actor: Actor): string | null {
  if (actor.kind === "system" || actor.role === "support") return null;
  return actor.userId;
}

/**
 * The hosting `actor` asked for. Another customer's hosting answers exactly like a missing one,
 * so that service names cannot be probed.
 */
export async function loadVisibleHosting(
  hostings: HostingRepository,
  actor: Actor,
  serviceName: string,
): Promise<HostingRow> {
  const hosting = await hostings.findByServiceName(serviceName);
  if (!hosting || !canSee(actor, hosting)) throw new DomainError("not_found");
  return hosting;
}
