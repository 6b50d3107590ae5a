import type {
  DailyVolume,
  DeliveryError,
  EmailAction,
  EmailStatus,
  StateChange,
  TestEmailResult,
} from "@scripts-email/contracts";
import { HISTORY_MAX } from "@scripts-email/contracts";
import { type Actor, actorRoleOf } from "../actor.ts";
import { normalizeAlertsOff, saveAlertsOff } from "../alert/alert-choice.ts";
import type { AlertKind, AlertSink } from "../alert/alert-service.ts";
import { refusedWebhookUrl, type WebhookNetworks } from "../alert/webhook-address.ts";
import { newWebhookSecret, type WebhookSecretRepository } from "../alert/webhook-secret.ts";
import type { InternalAuditService } from "../audit/audit-service.ts";
import type { Clock } from "../clock.ts";
import { DAY } from "../clock.ts";
import { DomainError } from "../errors.ts";
import { canSee, loadVisibleHosting, ownerFilterOf } from "../hosting/hosting-access.ts";
import type { HostingRepository, HostingRow } from "../hosting/hosting-repository.ts";
import { replyText } from "../message/server-reply.ts";
import type { IngestService } from "../queue/ingest-service.ts";
import { type ProtectionRules, protectionGauge } from "../queue/protection-gauge.ts";
import { sendTestEmail } from "../queue/test-email.ts";
import { isoDay, isoOrNull, utcDay } from "../shared/time.ts";
import { parseEmailAddress, parseWebhookUrl } from "../shared/validation.ts";
import type { SuppressionService } from "../suppression/suppression-service.ts";
import { createEmailJobs } from "./email-jobs.ts";
import type { EmailJobsRepository } from "./email-jobs-repository.ts";
import type { EmailReadRepository, GaugeWindows, PanelCounters } from "./email-read-repository.ts";
import { requestTransition, unblockRule } from "./email-transition.ts";

export interface EmailService {
  status(actor: Actor, serviceName: string): Promise<EmailStatus>;
  /**
   * Changes the settings given: the report recipient, the alert webhook (null removes it).
   * Invalid values throw DomainError("validation_failed"); support changes are audited.
   */
  updateSettings(
    actor: Actor,
    serviceName: string,
    settings: {
      reportRecipient?: string;
      alertWebhookUrl?: string | null;
      /** A new signing key for the webhook; also made when the URL changes. */
      rotateAlertWebhookSecret?: boolean;
      /** The alert kinds to turn off (the whole list); audited as `email.alerts`. */
      alertsOff?: AlertKind[];
    },
  ): Promise<EmailStatus>;
  /**
   * block | purge | unblock. Illegal transitions throw DomainError("invalid_transition");
   * a customer lifting a support block gets DomainError("blocked_by_support"), unblocking a spam
   * block while mail flagged as spam is held DomainError("spam_not_purged") (see `unblockRule`);
   * support without a reason gets DomainError("reason_required"). Unblocking a bounce block
   * doubles the bounce threshold for 24 hours. Recorded in the state history and, for
   * support, in the audit log.
   */
  request(
    actor: Actor,
    serviceName: string,
    action: EmailAction,
    reason?: string,
  ): Promise<EmailStatus>;
  errors(actor: Actor, serviceName: string, limit: number): Promise<DeliveryError[]>;
  volumes(actor: Actor, serviceName: string, days: number): Promise<DailyVolume[]>;
  /** Newest first: `limit` changes (200 when not given) older than the change `before`. */
  history(
    actor: Actor,
    serviceName: string,
    page?: { limit?: number; before?: string | undefined },
  ): Promise<StateChange[]>;
  /** Sends a test message through the hosting's own path (held while blocked). */
  sendTest(actor: Actor, serviceName: string, to: string): Promise<TestEmailResult>;
  /**
   * Deletes the held mail of every purging hosting in batches, then returns each to active with
   * a history entry. Returns how many messages were purged. Safe to run from several processes.
   */
  runPurges(batchSize?: number): Promise<number>;
  /**
   * Makes the held mail of active hostings due again (status queued, nextAttemptAt now), oldest
   * first, in batches, so that unblock answers at once whatever the queue size. Returns how many
   * messages were released. Safe to run from several processes.
   */
  runReleases(batchSize?: number): Promise<number>;
  /**
   * Marks the queued mail of blocked hostings held, in batches, so that a block answers at once
   * whatever the queue size (the delivery worker already skips hostings that are not active);
   * likewise the queued mail of a script held after it was queued. Mail released by hand is
   * never held again. Returns how many messages it marked. Safe to run from several processes.
   */
  runHolds(batchSize?: number): Promise<number>;
}

const MAX_DAYS = 366;
const MAX_ERRORS = 100;

export interface EmailServiceDeps {
  hostings: HostingRepository;
  email: EmailReadRepository;
  emailJobs: EmailJobsRepository;
  audit: InternalAuditService;
  clock: Clock;
  /** The mail path's ingest: test mail goes the hosting's own way. */
  ingest: Pick<IngestService, "accept">;
  /** Tells owners of finished purges (and of automatic blocks, which come through protection). */
  alerts?: AlertSink;
  webhookSecrets: WebhookSecretRepository;
  /** Internal networks the operator lets alert webhooks reach (none by default). */
  webhookNetworks: WebhookNetworks;
  /** The automatic protection's rules, which the status's gauge shows. */
  protectionRules: ProtectionRules;
  /** Whether a spam scanner checks outgoing mail (the status says so). */
  spamChecking: boolean;
  /** Test mail to an address on the hosting's suppression list is refused, as over SMTP. */
  suppressions?: Pick<SuppressionService, "find">;
}

export function createEmailService(deps: EmailServiceDeps): EmailService {
  const { hostings, email, audit, clock } = deps;

  const rules = deps.protectionRules;
  const { spamChecking } = deps;

  /** Where the gauge's rules count from, as the rules themselves do (the last unblock moves it). */
  function gaugeWindows(now: Date): GaugeWindows {
    const before = (ms: number) => new Date(now.getTime() - ms);
    return {
      bounceStart: before(rules.bounce.windowMs),
      burstStart: before(rules.burst.windowMs),
      burstCap: Math.max(rules.burst.limit, 0) + 1,
      spamStart: before(rules.spam.windowMs),
      spamCap: Math.max(rules.spam.limit, 0) + 1,
    };
  }

  function toStatus(
    actor: Actor,
    hosting: HostingRow,
    counts: PanelCounters,
    now: Date,
  ): EmailStatus {
    return {
      state: hosting.state,
      blockedBy: hosting.state === "active" ? null : hosting.blockedByRole,
      stateReason: hosting.stateReason,
      stateChangedAt: hosting.stateChangedAt.toISOString(),
      reportRecipient: hosting.reportRecipient,
      alertWebhookUrl: hosting.alertWebhookUrl,
      sent: counts.sent,
      sentToday: counts.sentToday,
      acceptedToday: counts.acceptedToday,
      refusedToday: counts.refusedToday,
      maxPerDay: hosting.maxPerDay,
      errors: counts.errors,
      held: counts.held,
      queued: counts.queued,
      nextExpiry: isoOrNull(counts.nextHeldExpiry),
      blockCause: hosting.state === "active" ? null : hosting.blockCause,
      unblock: unblockRule(actorRoleOf(actor), hosting, counts.heldSpam),
      protection: protectionGauge(rules, counts.protection, hosting.bounceRelaxedUntil, now),
      spam: counts.heldSpam,
      spamChecking,
      heldScripts: hosting.heldScripts,
      alertsOff: normalizeAlertsOff(hosting.alertsOff ?? []),
    };
  }

  async function statusOf(actor: Actor, hosting: HostingRow): Promise<EmailStatus> {
    const now = clock.now();
    const counts = await email.panelCounters(hosting.id, utcDay(now), gaugeWindows(now));
    return toStatus(actor, hosting, counts, now);
  }

  async function reload(hosting: HostingRow): Promise<HostingRow> {
    const fresh = await hostings.findById(hosting.id);
    if (!fresh) throw new DomainError("not_found");
    return fresh;
  }

  return {
    async status(actor, serviceName) {
      // the access check of loadVisibleHosting, with the counters in the same statement
      const now = clock.now();
      const found = await email.statusOf(
        serviceName,
        ownerFilterOf(actor),
        utcDay(now),
        gaugeWindows(now),
      );
      if (!found || !canSee(actor, found.hosting)) throw new DomainError("not_found");
      return toStatus(actor, found.hosting, found.counters, now);
    },

    async updateSettings(actor, serviceName, settings) {
      const hosting = await loadVisibleHosting(hostings, actor, serviceName);
      const address =
        settings.reportRecipient === undefined
          ? undefined
          : parseEmailAddress(settings.reportRecipient);
      const webhook =
        settings.alertWebhookUrl === undefined
          ? undefined
          : parseWebhookUrl(settings.alertWebhookUrl);
      if (webhook) {
        const refused = refusedWebhookUrl(webhook, deps.webhookNetworks);
        if (refused) {
          throw new DomainError(
            "validation_failed",
            { field: "alertWebhookUrl", reason: refused },
            "error.validation_failed.webhook_address",
          );
        }
      }
      const url = webhook === undefined ? hosting.alertWebhookUrl : webhook;
      if (settings.rotateAlertWebhookSecret && !url) {
        throw new DomainError("validation_failed", { field: "rotateAlertWebhookSecret" });
      }
      let secret: string | undefined;
      await hostings.transaction(async (tx) => {
        if (address !== undefined) await hostings.setReportRecipient(hosting.id, address, tx);
        if (webhook !== undefined) await hostings.setAlertWebhookUrl(hosting.id, webhook, tx);
        // a new URL gets a new key (the old receiver's key must not sign for the new one)
        if (webhook === null) await deps.webhookSecrets.setSecret(hosting.id, null, tx);
        const changed = webhook && webhook !== hosting.alertWebhookUrl;
        if (
          url &&
          (changed ||
            settings.rotateAlertWebhookSecret ||
            !(await deps.webhookSecrets.hasSecret(hosting.id, tx)))
        ) {
          secret = newWebhookSecret();
          await deps.webhookSecrets.setSecret(hosting.id, secret, tx);
        }
        // the owner's changes are recorded as support's are: both show in the activity log
        if (secret !== undefined && !changed) {
          await audit.record(
            { actor, action: "email.alert_webhook_secret", hostingId: hosting.id, details: {} },
            tx,
          );
        }
        if (address !== undefined && address !== hosting.reportRecipient) {
          await audit.record(
            {
              actor,
              action: "email.report_recipient",
              hostingId: hosting.id,
              details: { from: hosting.reportRecipient, to: address },
            },
            tx,
          );
        }
        if (webhook !== undefined && webhook !== hosting.alertWebhookUrl) {
          await audit.record(
            {
              actor,
              action: "email.alert_webhook",
              hostingId: hosting.id,
              details: { from: hosting.alertWebhookUrl, to: webhook },
            },
            tx,
          );
        }
        if (settings.alertsOff !== undefined) {
          await saveAlertsOff({ hostings, audit }, actor, hosting, settings.alertsOff, tx);
        }
      });
      const status = await statusOf(actor, await reload(hosting));
      // shown this once: only the receiver keeps it
      return secret === undefined ? status : { ...status, alertWebhookSecret: secret };
    },

    async request(actor: Actor, serviceName: string, action: EmailAction, reason?: string) {
      const hosting = await loadVisibleHosting(hostings, actor, serviceName);
      await requestTransition(
        { hostings, audit, clock, alerts: deps.alerts },
        actor,
        hosting,
        action,
        reason,
      );
      return statusOf(actor, await reload(hosting));
    },

    async errors(actor, serviceName, limit) {
      const take = Math.min(Math.max(Math.trunc(limit) || 1, 1), MAX_ERRORS);
      // the access check of loadVisibleHosting, with the errors in the same statement
      const found = await email.errorsOf(serviceName, ownerFilterOf(actor), take);
      if (!found || !canSee(actor, found.hosting)) throw new DomainError("not_found");
      return found.rows.map((e) => ({
        date: e.at,
        recipient: e.recipient,
        code: e.smtpCode,
        message: replyText(e.smtpCode, e.text),
        outcome: e.outcome,
      }));
    },

    async volumes(actor, serviceName, days) {
      const count = Math.min(Math.max(Math.trunc(days) || 1, 1), MAX_DAYS);
      const last = utcDay(clock.now());
      const first = new Date(last.getTime() - (count - 1) * DAY);
      // the access check of loadVisibleHosting, with the counters in the same statement
      const found = await email.volumesOf(serviceName, ownerFilterOf(actor), first, last);
      if (!found || !canSee(actor, found.hosting)) throw new DomainError("not_found");
      const byDay = new Map(found.rows.map((r) => [r.day, r]));
      return Array.from({ length: count }, (_, i) => {
        const date = isoDay(new Date(first.getTime() + i * DAY));
        const row = byDay.get(date);
        return { date, sent: row?.sent ?? 0, errors: row?.errors ?? 0 };
      });
    },

    async sendTest(actor, serviceName, to) {
      const hosting = await loadVisibleHosting(hostings, actor, serviceName);
      const suppressed = await deps.suppressions?.find(hosting.id, to);
      if (suppressed) {
        throw new DomainError("recipient_suppressed", {
          address: suppressed.address,
          since: suppressed.addedAt.toISOString().slice(0, 10),
        });
      }
      const result = await sendTestEmail({ ingest: deps.ingest, clock }, actor, hosting, to);
      if (actor.kind === "user" && actor.role === "support") {
        await audit.record({ actor, action: "email.test", hostingId: hosting.id, details: { to } });
      }
      return result;
    },

    async history(actor, serviceName, page = {}) {
      const limit = Math.min(Math.max(Math.trunc(page.limit ?? HISTORY_MAX), 1), HISTORY_MAX);
      // the access check of loadVisibleHosting, with the changes in the same statement
      const found = await hostings.historyOf(serviceName, ownerFilterOf(actor), limit, page.before);
      if (!found || !canSee(actor, found.hosting)) throw new DomainError("not_found");
      const askerIsSupport = actorRoleOf(actor) === "support";
      return found.rows.map(
        (c): StateChange => ({
          id: c.id,
          from: c.from,
          to: c.to,
          at: c.at,
          actorRole: c.actorRole,
          // support staff stay anonymous to customers
          actorEmail:
            c.actorId &&
            (c.actorRole === "customer" || (c.actorRole === "support" && askerIsSupport))
              ? c.actorEmail
              : null,
          reason: c.reason,
        }),
      );
    },

    ...createEmailJobs({ hostings, email: deps.emailJobs, clock, alerts: deps.alerts, audit }),
  };
}
