import type { BlockCause } from "@scripts-email/contracts";
import { AUTOMATIC } from "../actor.ts";
import {
  type AutomaticCause,
  requestTransition,
  type TransitionDeps,
} from "../email/email-transition.ts";
import { type BounceRule, bounceExceeded, bounceThreshold } from "./protection-gauge.ts";
import type { ProtectionRepository } from "./protection-repository.ts";

export type { BounceRule };

/** Automatic protection: the system blocks a hosting whose mail looks like abuse. */
export interface Protection {
  /** Blocks the hosting if it is still active; a hosting blocked meanwhile is left as it is. */
  block(hostingId: string, reason: string, cause: AutomaticCause): Promise<void>;
  /** Blocks each of these hostings whose recent mail bounces more than the rule allows. */
  checkBounces(hostingIds: string[]): Promise<void>;
  /** Hostings blocked now, by cause (the operator's metrics: the protection's are burst, bounce, spam). */
  blockedByCause(): Promise<Record<BlockCause, number>>;
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
    blockedByCause: () => repo.blockedByCause(),
    async checkBounces(hostingIds) {
      const { ratio, windowMs } = bounce;
      if (ratio <= 0) return;
      const now = clock.now();
      const windowStart = new Date(now.getTime() - windowMs);
      for (const hostingId of hostingIds) {
        // counted from the last unblock if later: old failures do not block the site again
        const figures = await repo.recentOutcomes(hostingId, windowStart);
        if (!figures) continue;
        const threshold = bounceThreshold(bounce, figures.relaxedUntil, now);
        if (bounceExceeded(bounce, threshold, figures)) {
          const { delivered, failed } = figures;
          const share = Math.round((100 * failed) / (failed + delivered));
          await block(
            hostingId,
            `bounces: ${share}% of ${failed + delivered} recipients failed in ${Math.round(windowMs / 60_000)} min (limit ${Math.round(threshold * 100)}%)`,
            "bounce",
          );
        }
      }
    },
  };
}
