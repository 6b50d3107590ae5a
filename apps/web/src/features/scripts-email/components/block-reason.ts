import type { BlockCause, ProtectionGauge } from "@scripts-email/contracts";
import type { I18n } from "../../../lib/i18n.tsx";

/**
 * An automatic block's rule and figures. The server stores the reason in English
 * (`queue/spam-rule.ts`, `ingest-after-commit.ts`, `protection.ts`); the panel words it in the
 * page's language from these.
 */
export type AutomaticBlock =
  | { rule: "spam"; limit: number; minutes: number }
  | { rule: "burst"; limit: number; seconds: number }
  | { rule: "bounces"; share: number; recipients: number; minutes: number; limit: number }
  | { rule: "bounceRule"; limit: number; minutes: number };

const PATTERNS: { pattern: RegExp; read: (m: number[]) => AutomaticBlock }[] = [
  {
    pattern: /^spam: more than (\d+) messages flagged as spam in (\d+) min$/,
    read: ([limit = 0, minutes = 0]) => ({ rule: "spam", limit, minutes }),
  },
  {
    pattern: /^burst: more than (\d+) messages in (\d+) s$/,
    read: ([limit = 0, seconds = 0]) => ({ rule: "burst", limit, seconds }),
  },
  {
    pattern: /^bounces: (\d+)% of (\d+) recipients failed in (\d+) min \(limit (\d+)%\)$/,
    read: ([share = 0, recipients = 0, minutes = 0, limit = 0]) => ({
      rule: "bounces",
      share,
      recipients,
      minutes,
      limit,
    }),
  },
];

/** The protection's stored English reason read back; null for anything else (a person's words). */
export function parseAutomaticReason(text: string): AutomaticBlock | null {
  const trimmed = text.trim();
  for (const { pattern, read } of PATTERNS) {
    const match = pattern.exec(trimmed);
    if (match) return read(match.slice(1).map(Number));
  }
  return null;
}

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

export function automaticBlockText(block: AutomaticBlock, t: I18n["t"]): string {
  const { rule, ...figures } = block;
  return t(`web.blockReason.${rule}`, figures);
}

/** A block reason as the page shows it: the protection's in the page's language, a person's as written. */
export function blockReasonText(reason: string, t: I18n["t"]): string {
  const block = parseAutomaticReason(reason);
  return block ? automaticBlockText(block, t) : reason;
}
