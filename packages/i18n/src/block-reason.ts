/**
 * An automatic block's rule and figures. The protection stores its reason in English
 * (`queue/spam-rule.ts`, `ingest-after-commit.ts`, `protection.ts` in packages/domain); the panel
 * and the alert mail word it in the reader's language from these.
 */
export type AutomaticBlock =
  | { rule: "spam"; limit: number; minutes: number }
  | { rule: "burst"; limit: number; seconds: number }
  | { rule: "bounces"; share: number; recipients: number; minutes: number; limit: number }
  | { rule: "bounceRule"; limit: number; minutes: number };

/** The catalogue's sentence of each rule. */
export type BlockReasonKey = `web.blockReason.${AutomaticBlock["rule"]}`;

/** A translation bound to the reader's language (the panel's `t`, or `t(locale, …)`). */
export type BlockReasonTranslate = (key: BlockReasonKey, params: Record<string, number>) => string;

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

/** The rule's sentence in the reader's language ("More than 2 messages flagged as spam…."). */
export function automaticBlockText(block: AutomaticBlock, t: BlockReasonTranslate): string {
  const { rule, ...figures } = block;
  return t(`web.blockReason.${rule}`, figures);
}

/** A block reason for a reader: the protection's in their language, a person's as written. */
export function blockReasonText(reason: string, t: BlockReasonTranslate): string {
  const block = parseAutomaticReason(reason);
  return block ? automaticBlockText(block, t) : reason;
}
