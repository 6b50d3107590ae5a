import type { ProtectionGauge } from "@scripts-email/contracts";
import { HOUR } from "../clock.ts";
import type { BurstRule } from "./ingest-after-commit.ts";

export interface BounceRule {
  /** Share of failed recipients (0–1) over `windowMs` that blocks the hosting; 0 disables. */
  ratio: number;
  /** Failures needed before the ratio counts, so one bad address does not block a site. */
  minFailures: number;
  windowMs: number;
}

/** More than `limit` messages flagged as spam within `windowMs` blocks the hosting; 0 disables. */
export interface SpamRule {
  limit: number;
  windowMs: number;
}

/** The automatic protection's rules, as the mail path applies them and the panel shows them. */
export interface ProtectionRules {
  burst: BurstRule;
  bounce: BounceRule;
  spam: SpamRule;
}

/** How long an acknowledged bounce block doubles the bounce threshold (OVH's "force"). */
export const BOUNCE_RELAXATION_MS = 24 * HOUR;

/** The spam rule when the mail path has none configured: off. */
export const NO_SPAM_RULE: SpamRule = { limit: 0, windowMs: HOUR };

/** The share of failed recipients that blocks: doubled (at most all of them) while relaxed. */
export function bounceThreshold(rule: BounceRule, relaxedUntil: Date | null, now: Date): number {
  return relaxedUntil && relaxedUntil > now ? Math.min(1, rule.ratio * 2) : rule.ratio;
}

/** Whether these recipient outcomes cross the bounce rule at `threshold`. */
export function bounceExceeded(
  rule: BounceRule,
  threshold: number,
  figures: { delivered: number; failed: number },
): boolean {
  const { delivered, failed } = figures;
  return rule.ratio > 0 && failed >= rule.minFailures && failed / (failed + delivered) >= threshold;
}

/** What the status statement counts for the gauge (see email-read-repository.ts). */
export interface ProtectionFigures {
  delivered: number;
  failed: number;
  /** Where the bounce rule counts from: its window's start, or the last unblock if later. */
  since: Date;
  /** Accepted in the burst window, counted up to the limit + 1. */
  burst: number;
  /** Flagged as spam in the spam window, counted up to the limit + 1. */
  spam: number;
}

/** The panel's protection gauge: each rule's current figure against what blocks. */
export function protectionGauge(
  rules: ProtectionRules,
  figures: ProtectionFigures,
  relaxedUntil: Date | null,
  now: Date,
): ProtectionGauge {
  const recipients = figures.delivered + figures.failed;
  const relaxed = relaxedUntil && relaxedUntil > now ? relaxedUntil : null;
  return {
    bounce: {
      ratio: recipients === 0 ? 0 : figures.failed / recipients,
      failed: figures.failed,
      recipients,
      threshold: bounceThreshold(rules.bounce, relaxed, now),
      minFailures: rules.bounce.minFailures,
      windowMinutes: Math.round(rules.bounce.windowMs / 60_000),
    },
    burst: {
      count: figures.burst,
      limit: rules.burst.limit,
      windowSeconds: Math.round(rules.burst.windowMs / 1000),
    },
    spam: { count: figures.spam, limit: rules.spam.limit },
    relaxedUntil: relaxed ? relaxed.toISOString() : null,
    since: figures.since.toISOString(),
  };
}
