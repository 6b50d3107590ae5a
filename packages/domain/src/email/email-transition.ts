import type { BlockCause, EmailAction } from "@scripts-email/contracts";
import { type Actor, actorRoleOf } from "../actor.ts";
import type { AlertSink } from "../alert/alert-service.ts";
import type { InternalAuditService } from "../audit/audit-service.ts";
import type { Clock } from "../clock.ts";
import { DomainError } from "../errors.ts";
import type { HostingRepository, HostingRow } from "../hosting/hosting-repository.ts";
import { invalidTransition, nextState } from "../hosting/hosting-state.ts";
import { parseReason } from "../shared/validation.ts";

function assertCustomerMayLift(role: string, hosting: HostingRow, action: EmailAction): void {
  if (
    role === "customer" &&
    action !== "block" &&
    hosting.state !== "active" &&
    hosting.blockedByRole === "support"
  ) {
    throw new DomainError("blocked_by_support");
  }
}

/**
 * Applies a panel action (block, unblock, purge) as one transaction: the conditional update of
 * the hosting, its history entry and the audit entry for support. No message row is rewritten
 * here, so that block and unblock answer at once whatever the queue size: the worker only sends
 * for active hostings, and the hold and release jobs move the mail in batches afterwards.
 */
export interface TransitionDeps {
  hostings: HostingRepository;
  audit: InternalAuditService;
  clock: Clock;
  /** Tells the owner of an automatic block. */
  alerts?: AlertSink | undefined;
}

/** Why an automatic block was made (a person's block has their role as its cause). */
export type AutomaticCause = Exclude<BlockCause, "customer" | "support">;

export async function requestTransition(
  deps: TransitionDeps,
  actor: Actor,
  hosting: HostingRow,
  action: EmailAction,
  rawReason: string | undefined,
  automaticCause?: AutomaticCause,
): Promise<void> {
  const { hostings, audit, clock } = deps;
  const role = actorRoleOf(actor);
  const reason = parseReason(rawReason);
  if (role === "support" && !reason) throw new DomainError("reason_required");
  assertCustomerMayLift(role, hosting, action);
  const from = hosting.state;
  const to = nextState(from, action);
  const at = clock.now();
  const blockCause: BlockCause | null | undefined =
    action === "unblock"
      ? null
      : action === "block"
        ? role === "system"
          ? (automaticCause ?? "burst")
          : role
        : undefined;

  await hostings.transaction(async (tx) => {
    const won = await hostings.transition(
      {
        id: hosting.id,
        from,
        to,
        at,
        blockedByRole: action === "unblock" ? null : action === "block" ? role : undefined,
        stateReason:
          action === "unblock" ? null : action === "block" ? reason : (reason ?? undefined),
        blockCause,
        unlessBlockedBySupport: role === "customer" && action !== "block",
      },
      tx,
    );
    if (!won) {
      // someone else changed the state first: answer with what it is now
      const current = await hostings.findById(hosting.id, tx);
      if (!current) throw new DomainError("not_found");
      assertCustomerMayLift(role, current, action);
      throw invalidTransition(current.state, action);
    }
    await hostings.addStateChange(
      hosting.id,
      {
        from,
        to,
        at,
        actorId: actor.kind === "user" ? actor.userId : null,
        actorRole: role,
        reason,
      },
      tx,
    );
    // an automatic block (protection rules) is told to the owner, once per block
    if (actor.kind === "system" && actor.automatic && action === "block" && deps.alerts) {
      await deps.alerts.raise(
        {
          kind: "auto_block",
          hostingId: hosting.id,
          occasion: at.toISOString(),
          details: { at: at.toISOString(), reason: reason ?? "" },
        },
        tx,
      );
    }
    if (role === "support") {
      await audit.record(
        { actor, action: `email.${action}`, hostingId: hosting.id, reason, details: { from, to } },
        tx,
      );
    }
  });
}
