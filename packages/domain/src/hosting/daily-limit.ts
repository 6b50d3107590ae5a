import { type DailyLimit, MAX_DAILY_LIMIT } from "@scripts-email/contracts";
import { type Actor, actorRoleOf } from "../actor.ts";
import type { InternalAuditService } from "../audit/audit-service.ts";
import { DomainError } from "../errors.ts";
import { parseReason } from "../shared/validation.ts";
import { loadVisibleHosting } from "./hosting-access.ts";
import type { HostingRepository } from "./hosting-repository.ts";

/**
 * Support (or the system, from the command line) changes a hosting's daily limit, with a reason:
 * a customer gets DomainError("forbidden") on its own hosting and "not_found" on others'; a limit
 * outside 0..MAX_DAILY_LIMIT is "validation_failed", a missing reason "reason_required". The
 * change and its audit entry (`hosting.daily_limit`, from and to) are one transaction; a limit
 * set to what it already is records nothing. It applies to the next submission: the mail
 * accepted today counts against the new limit.
 */
export async function setDailyLimit(
  deps: { hostings: HostingRepository; audit: InternalAuditService },
  actor: Actor,
  serviceName: string,
  limit: number,
  rawReason: string | undefined,
): Promise<DailyLimit> {
  const hosting = await loadVisibleHosting(deps.hostings, actor, serviceName);
  if (actorRoleOf(actor) === "customer") throw new DomainError("forbidden");
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_DAILY_LIMIT) {
    throw new DomainError("validation_failed", { field: "maxPerDay", max: MAX_DAILY_LIMIT });
  }
  const reason = parseReason(rawReason);
  if (!reason) throw new DomainError("reason_required");
  await deps.hostings.transaction(async (tx) => {
    const previous = await deps.hostings.setMaxPerDay(hosting.id, limit, tx);
    if (previous === null) throw new DomainError("not_found");
    if (previous === limit) return;
    await deps.audit.record(
      {
        actor,
        action: "hosting.daily_limit",
        hostingId: hosting.id,
        reason,
        details: { from: previous, to: limit },
      },
      tx,
    );
  });
  return { serviceName: hosting.serviceName, maxPerDay: limit };
}
