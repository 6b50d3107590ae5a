import type { Clock } from "../clock.ts";
import type { Protection } from "./protection.ts";
import type { SpamRule } from "./protection-gauge.ts";
import type { ProtectionRepository } from "./protection-repository.ts";

/** The spam rule, applied after the worker holds mail as spam. */
export interface SpamCheck {
  /** Blocks each of these hostings whose mail was flagged as spam more often than the rule allows. */
  check(hostingIds: string[]): Promise<void>;
}

/**
 * More than `rule.limit` messages flagged as spam within `rule.windowMs` blocks the hosting with
 * cause `spam`, counted from the window's start or the hosting's last unblock if later (old spam
 * does not block a site again at once after its owner cleaned it up). A limit of 0 turns it off.
 */
export function createSpamCheck(deps: {
  repo: Pick<ProtectionRepository, "spamSince">;
  protection: Pick<Protection, "block">;
  clock: Clock;
  rule: SpamRule;
}): SpamCheck {
  const { repo, protection, clock, rule } = deps;
  return {
    async check(hostingIds) {
      if (rule.limit <= 0) return;
      const windowStart = new Date(clock.now().getTime() - rule.windowMs);
      for (const hostingId of hostingIds) {
        const flagged = await repo.spamSince(hostingId, windowStart, rule.limit + 1);
        if (flagged === null || flagged <= rule.limit) continue;
        await protection.block(
          hostingId,
          `spam: more than ${rule.limit} messages flagged as spam in ${Math.round(rule.windowMs / 60_000)} min`,
          "spam",
        );
      }
    },
  };
}
