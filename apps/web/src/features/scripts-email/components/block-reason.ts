import type { BlockCause, ProtectionGauge } from "@scripts-email/contracts";
import type { AutomaticBlock } from "@scripts-email/i18n/core";

// The stored reasons are read back by @scripts-email/i18n, shared with the alert mail.
export {
  type AutomaticBlock,
  automaticBlockText,
  blockReasonText,
  parseAutomaticReason,
} from "@scripts-email/i18n/core";

/** The rule that blocked, with the protection gauge's limits; null for a person's block. */
export function automaticBlockOf(cause: BlockCause, gauge: ProtectionGauge): AutomaticBlock | null {
  switch (cause) {
    case "spam":
      // the gauge counts spam over the last hour, as the rule does
      return { rule: "spam", limit: gauge.spam.limit, minutes: 60 };
    case "burst":
      return { rule: "burst", limit: gauge.burst.limit, seconds: gauge.burst.windowSeconds };
    case "bounce":
      return {
        rule: "bounceRule",
        limit: Math.round(gauge.bounce.threshold * 100),
        minutes: gauge.bounce.windowMinutes,
      };
    default:
      return null;
  }
}
