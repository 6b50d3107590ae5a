import type { Database } from "@scripts-email/db";
import type { AlertSink } from "../alert/alert-service.ts";
import { dailyLimitReachedAlert } from "../alert/daily-limit-alert.ts";
import { AuditRepository } from "../audit/audit-repository.ts";
import { createAuditService } from "../audit/audit-service.ts";
import { type Clock, HOUR, systemClock } from "../clock.ts";
import { type HealthCount, HealthMinuteRepository } from "../fleet/health-minute-repository.ts";
import { HostingRepository } from "../hosting/hosting-repository.ts";
import { RefusalRepository } from "../refusal/refusal-repository.ts";
import { createRefusalService, type RefusalService } from "../refusal/refusal-service.ts";
import type { Logger } from "../shared/logger.ts";
import { UserRepository } from "../user/user-repository.ts";
import { DeliveryRepository } from "./delivery-repository.ts";
import {
  createDeliveryService,
  type DeliveryService,
  ROLLUP_RETENTION_MS,
} from "./delivery-service.ts";
import { IngestRepository } from "./ingest-repository.ts";
import { type BurstRule, createIngestService, type IngestService } from "./ingest-service.ts";
import { type BounceRule, createProtection, type Protection } from "./protection.ts";
import { NO_SPAM_RULE, type ProtectionRules, type SpamRule } from "./protection-gauge.ts";
import { ProtectionRepository } from "./protection-repository.ts";
import { createSpamCheck } from "./spam-rule.ts";

export type { DeliveryJob, DeliveryResult, RecipientResult } from "./delivery-service.ts";
export { backoffMs, createDeliveryService, type DeliveryService } from "./delivery-service.ts";
export { isUnstorableMessage } from "./ingest-failure.ts";
export {
  type AcceptedMessage,
  createIngestService,
  type IncomingMessage,
  type IngestService,
} from "./ingest-service.ts";
export { outcomeMinuteDrift, recountOutcomes } from "./outcome-minute.ts";
export type { Protection } from "./protection.ts";
export type { ProtectionRules, SpamRule } from "./protection-gauge.ts";
export { queueCountDrift } from "./queue-count.ts";
export { summarizeHeaders } from "./raw-message.ts";
export type { SpamSymbol, SpamVerdict } from "./spam-verdict.ts";
export { uuidV7 } from "./uuid-v7.ts";
export type { BounceRule, BurstRule };

export interface MailPathOptions {
  holdMs?: number;
  leaseMs?: number;
  maxLifetimeMs?: number;
  retentionMs?: number;
  burst?: BurstRule;
  bounce?: BounceRule;
  /** More than `limit` messages flagged as spam in `windowMs` blocks the hosting (0: off). */
  spam?: SpamRule;
  /**
   * Whether a spam scanner checks outgoing mail (the worker's SPAM_SCANNER_URL); the panel's
   * email status says so (`spamChecking`).
   */
  spamChecking?: boolean;
  /**
   * How long a recipient whose mail failed for good with a 5.1.x reply stays on its hosting's
   * suppression list (SUPPRESSION_DAYS); 0: nobody is added.
   */
  suppressionMs?: number;
}

export const MAIL_PATH_DEFAULTS = {
  holdMs: 72 * HOUR,
  // Short, because the worker renews it while the mail is in hand: a crashed worker's claims
  // come back within this long (Postfix requeues its active queue at start).
  leaseMs: 30_000,
  maxLifetimeMs: 5 * 24 * HOUR,
  retentionMs: 7 * 24 * HOUR,
  burst: { limit: 1000, windowMs: 60_000 },
  bounce: { ratio: 0.5, minFailures: 20, windowMs: HOUR },
  // without a scanner nothing is flagged; the server passes SPAM_BLOCK_PER_HOUR
  spam: NO_SPAM_RULE,
  spamChecking: false,
  suppressionMs: 30 * 24 * HOUR,
} satisfies Required<MailPathOptions>;

export interface MailPath {
  ingest: IngestService;
  delivery: DeliveryService;
  protection: Protection;
  /** Submission-time refusals per hosting, day, script and reason (the SMTP role records them). */
  refusals: RefusalService;
  /**
   * The relay's and the spam scanner's health per minute, as the delivery workers saw it (they
   * count in memory and write every few seconds: apps/mta health-recorder.ts).
   */
  health: { record(counts: HealthCount[]): Promise<void> };
  /** The protection's rules in force (the panel's gauge shows them). */
  rules: ProtectionRules;
  /** Whether a spam scanner checks outgoing mail (see MailPathOptions). */
  spamChecking: boolean;
}

export interface MailPathDeps {
  /**
   * Tells the owner of an automatic block and, with `dailyLimitAlerts`, of a day nearly or wholly
   * used up.
   * Services (createServices) fits: a mail path built beside them tells of blocks only.
   */
  alerts?: AlertSink;
  dailyLimitAlerts?: boolean;
  /** Where failures that change no answer are reported (checks after a commit). */
  log?: Logger;
}

/**
 * The mail path's services (ingest, delivery, automatic protection) over the same database. It
 * needs no other service: protection blocks through the transition with its own repositories.
 */
export function createMailPath(
  options: { db: Database; clock?: Clock } & MailPathOptions,
  deps: MailPathDeps = {},
): MailPath {
  const { db } = options;
  const clock = options.clock ?? systemClock;
  const o = { ...MAIL_PATH_DEFAULTS, ...options };
  // the gauge counts whole minutes from OutcomeMinute, whose old rows go (with a margin)
  if (o.bounce.windowMs > ROLLUP_RETENTION_MS - HOUR) {
    throw new Error("the bounce window must be shorter than the per-minute outcomes' retention");
  }
  const hostings = new HostingRepository(db);
  const healthMinutes = new HealthMinuteRepository(db);
  const log = deps.log ? { log: deps.log } : {};
  const alerts = deps.alerts;
  const protection = createProtection({
    repo: new ProtectionRepository(db),
    hostings,
    // automatic blocks are not audited (only support's actions are), but the transition asks
    audit: createAuditService({
      audit: new AuditRepository(db),
      users: new UserRepository(db),
      hostings,
      clock,
    }),
    clock,
    alerts,
    bounce: o.bounce,
  });
  const spamCheck = createSpamCheck({
    repo: new ProtectionRepository(db),
    protection,
    clock,
    rule: o.spam,
  });
  return {
    protection,
    refusals: createRefusalService({ repo: new RefusalRepository(db), clock }),
    health: {
      record: (counts) => healthMinutes.add(counts),
    },
    rules: { burst: o.burst, bounce: o.bounce, spam: o.spam },
    spamChecking: o.spamChecking,
    ingest: createIngestService({
      repo: new IngestRepository(db),
      clock,
      options: {
        holdMs: o.holdMs,
        burst: o.burst,
        onBurst: (hostingId, reason) => protection.block(hostingId, reason, "burst"),
        ...log,
        ...(alerts && deps.dailyLimitAlerts
          ? {
              onDailyLimitNear: async (
                hostingId: string,
                day: Date,
                f: { used: number; limit: number },
              ) => {
                await alerts.raise({
                  kind: "daily_limit",
                  hostingId,
                  occasion: day.toISOString().slice(0, 10),
                  details: {
                    used: f.used,
                    limit: f.limit,
                    percent: Math.floor((100 * f.used) / f.limit),
                  },
                });
              },
              onDailyLimitReached: (
                hostingId: string,
                day: Date,
                f: { used: number; limit: number },
              ) => alerts.raise(dailyLimitReachedAlert(hostingId, day, f.limit)).then(() => {}),
            }
          : {}),
      },
    }),
    delivery: createDeliveryService({
      repo: new DeliveryRepository(db),
      clock,
      options: {
        leaseMs: o.leaseMs,
        maxLifetimeMs: o.maxLifetimeMs,
        retentionMs: o.retentionMs,
        suppressionMs: o.suppressionMs,
        onFailures: (ids) => protection.checkBounces(ids),
        onSpam: (ids) => spamCheck.check(ids),
        ...log,
      },
    }),
  };
}
