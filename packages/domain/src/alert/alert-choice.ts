import { ALERT_KINDS, type AlertKind } from "@scripts-email/contracts";
import type { Actor } from "../actor.ts";
import type { InternalAuditService } from "../audit/audit-service.ts";
import type { HostingRepository, HostingRow } from "../hosting/hosting-repository.ts";
import type { Tx } from "../shared/base-repository.ts";

/** The kinds given, each once, in the order the panel lists them. */
export function normalizeAlertsOff(kinds: readonly AlertKind[]): AlertKind[] {
  return ALERT_KINDS.filter((kind) => kinds.includes(kind));
}

/**
 * Saves which alert kinds the hosting turned off (alert-service's raise skips them), and audits
 * a change, whoever makes it (`email.alerts`, the lists before and after).
 */
export async function saveAlertsOff(
  deps: { hostings: HostingRepository; audit: InternalAuditService },
  actor: Actor,
  hosting: Pick<HostingRow, "id" | "alertsOff">,
  kinds: readonly AlertKind[],
  tx: Tx,
): Promise<void> {
  const from = normalizeAlertsOff(hosting.alertsOff ?? []);
  const to = normalizeAlertsOff(kinds);
  if (from.join() === to.join()) return;
  await deps.hostings.setAlertsOff(hosting.id, to, tx);
  await deps.audit.record(
    { actor, action: "email.alerts", hostingId: hosting.id, details: { from, to } },
    tx,
  );
}
