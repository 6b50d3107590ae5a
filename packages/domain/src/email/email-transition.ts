import type { BlockCause, EmailAction, UnblockRule } from "@scripts-email/contracts";
import { type Actor, actorRoleOf } from "../actor.ts";
import type { AlertSink } from "../alert/alert-service.ts";
import { transitionAlert } from "../alert/transition-alert.ts";
import type { InternalAuditService } from "../audit/audit-service.ts";
import type { Clock } from "../clock.ts";
import { DomainError } from "../errors.ts";
import type { HostingRepository, HostingRow } from "../hosting/hosting-repository.ts";
import { invalidTransition, nextState } from "../hosting/hosting-state.ts";
import { BOUNCE_RELAXATION_MS } from "../queue/protection-gauge.ts";
import type { Tx } from "../shared/base-repository.ts";
import { parseReason } from "../shared/validation.ts";

type Role = ReturnType<typeof actorRoleOf>;

function blockedBySupport(hosting: Pick<HostingRow, "blockedByRole" | "blockCause">): boolean {
  return hosting.blockedByRole === "support" || hosting.blockCause === "support";
}

/**
 * Whether `role` may unblock `hosting` now, and if not why; `heldSpam` is its held mail flagged
 * as spam. The one rule: the status shows it, the transition enforces it.
 * - a support block: only support lifts it;
 * - a spam block: the mail flagged as spam must be purged first (support may still unblock).
 */
export function unblockRule(
  role: Role,
  hosting: Pick<HostingRow, "state" | "blockedByRole" | "blockCause">,
  heldSpam: number,
): UnblockRule {
  if (hosting.state !== "blocked") return { allowed: false, reason: "not_blocked" };
  if (role === "customer" && blockedBySupport(hosting)) {
    return { allowed: false, reason: "blocked_by_support" };
  }
  if (role !== "support" && hosting.blockCause === "spam" && heldSpam > 0) {
    return { allowed: false, reason: "spam_not_purged" };
  }
  return { allowed: true, reason: null };
}

/** Throws the rule's refusal; an illegal transition is left to the state machine. */
async function assertMayAct(
  hostings: HostingRepository,
  role: Role,
  hosting: HostingRow,
  action: EmailAction,
  tx?: Tx,
): Promise<void> {
  if (action === "block") return;
  if (action === "purge") {
    if (role === "customer" && hosting.state !== "active" && blockedBySupport(hosting)) {
      throw new DomainError("blocked_by_support");
    }
    return;
  }
  // the held spam costs a query: only asked for when the rule looks at it
  const heldSpam =
    role !== "support" && hosting.blockCause === "spam"
      ? await hostings.heldSpam(hosting.id, tx)
      : 0;
  const rule = unblockRule(role, hosting, heldSpam);
  if (!rule.allowed && rule.reason !== null && rule.reason !== "not_blocked") {
    throw new DomainError(rule.reason);
  }
}

/** What unblocking a bounce block records: the threshold is doubled for a day (OVH's "force"). */
function bounceAcknowledgement(at: Date): { until: Date; note: string } {
  const until = new Date(at.getTime() + BOUNCE_RELAXATION_MS);
  return {
    until,
    note: `bounce block acknowledged: bounce threshold doubled until ${until.toISOString()}`,
  };
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
  /** Tells the owner of blocks and unblocks they did not make (see transitionAlert). */
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
  const given = parseReason(rawReason);
  if (role === "support" && !given) throw new DomainError("reason_required");
  await assertMayAct(hostings, role, hosting, action);
  const from = hosting.state;
  const to = nextState(from, action);
  const at = clock.now();
  // after a bounce block the owner acknowledges and resumes with a relaxed threshold
  const acknowledged =
    action === "unblock" && hosting.blockCause === "bounce" ? bounceAcknowledgement(at) : null;
  const reason = acknowledged
    ? given
      ? `${given} (${acknowledged.note})`
      : acknowledged.note
    : given;
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
        bounceRelaxedUntil: acknowledged?.until,
      },
      tx,
    );
    if (!won) {
      // someone else changed the state first: answer with what it is now
      const current = await hostings.findById(hosting.id, tx);
      if (!current) throw new DomainError("not_found");
      await assertMayAct(hostings, role, current, action, tx);
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
    // blocks by the protection or support, and unblocks not made by the owner, are told to them
    const alert = transitionAlert(
      actor,
      action,
      hosting.id,
      at,
      action === "unblock" ? given : reason,
    );
    if (alert && deps.alerts) await deps.alerts.raise(alert, tx);
    // a purge is audited whoever asks: it deletes mail (see also email.purge_finished)
    if (role === "support" || action === "purge") {
      await audit.record(
        {
          actor,
          action: `email.${action}`,
          hostingId: hosting.id,
          reason: given,
          details: acknowledged
            ? { from, to, bounceRelaxedUntil: acknowledged.until.toISOString() }
            : { from, to },
        },
        tx,
      );
    }
  });
}
