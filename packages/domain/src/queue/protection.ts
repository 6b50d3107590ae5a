import { AUTOMATIC } from "../actor.ts";
import {
  type AutomaticCause,
  requestTransition,
  type TransitionDeps,
} from "../email/email-transition.ts";
import type { ProtectionRepository } from "./protection-repository.ts";

export interface BounceRule {
  /** Share of failed recipients (0–1) over `windowMs` that blocks the hosting; 0 disables. */
  ratio: number;
  /** Failures needed before the ratio counts, so one bad address does not block a site. */
  minFailures: number;
  windowMs: number;
}

/** Automatic protection: the system blocks a hosting whose mail looks like abuse. */
export interface Protection {
  /** Blocks the hosting if it is still active; a hosting blocked meanwhile is left as it is. */
  block(hostingId: string, reason: string, cause: AutomaticCause): Promise<void>;
  /** Blocks each of these hostings whose recent mail bounces more than the rule allows. */
  checkBounces(hostingIds: string[]): Promise<void>;
}

/**
 * Blocks through the same transition as the panel's button (history entry, the owner's alert),
 * called with the repositories: the mail path sits below the panel's services, not above them.
 */
export function createProtection(
  deps: TransitionDeps & { repo: ProtectionRepository; bounce: BounceRule },
): Protection {
  const { repo, hostings, clock, bounce } = deps;

  async function block(hostingId: string, reason: string, cause: AutomaticCause): Promise<void> {
    const hosting = await hostings.findById(hostingId);
    if (hosting?.state !== "active") return;
    await requestTransition(deps, AUTOMATIC, hosting, "block", reason, cause).catch(
      (error: unknown) => {
        if ((error as { code?: string }).code !== "invalid_transition") throw error;
      },
    );
  }

  return {
    block,
    async checkBounces(hostingIds) {
      const { ratio, minFailures, windowMs } = bounce;
      if (ratio <= 0) return;
      const since = new Date(clock.now().getTime() - windowMs);
      for (const hostingId of hostingIds) {
        const { delivered, failed } = await repo.recentOutcomes(hostingId, since);
        if (failed >= minFailures && failed / (failed + delivered) >= ratio) {
          const share = Math.round((100 * failed) / (failed + delivered));
          await block(
            hostingId,
            `bounces: ${share}% of ${failed + delivered} recipients failed in ${Math.round(windowMs / 60_000)} min (limit ${Math.round(ratio * 100)}%)`,
            "bounce",
          );
        }
      }
    },
  };
}
