import { z } from "zod";
import { alertsOff } from "./alerts.ts";
import { actorRole, emailAddress, isoDate, isoDateTime } from "./common.ts";

export const hostingState = z.enum(["active", "blocked", "purging"]);
export type HostingState = z.infer<typeof hostingState>;

export const emailAction = z.enum(["block", "purge", "unblock"]);
export type EmailAction = z.infer<typeof emailAction>;

/**
 * Why a hosting is blocked: by its customer, by support, or by the protection (a burst of mail,
 * a bounce ratio, mail the spam scanner rejects). Each has its own rule for lifting it.
 */
export const blockCause = z.enum(["customer", "support", "burst", "bounce", "spam"]);
export type BlockCause = z.infer<typeof blockCause>;

/**
 * Whether the asking user may unblock now, and if not, why: `blocked_by_support` (only support
 * lifts it), `spam_not_purged` (the mail flagged as spam must be purged first), `not_blocked`.
 */
export const unblockRule = z.object({
  allowed: z.boolean(),
  reason: z.enum(["blocked_by_support", "spam_not_purged", "not_blocked"]).nullable(),
});
export type UnblockRule = z.infer<typeof unblockRule>;

/** One rule of the protection: its current figure against the threshold that blocks. */
export const protectionGauge = z.object({
  /** Share of recipients that failed (0–1) since `since`, and the share that blocks. */
  bounce: z.object({
    ratio: z.number(),
    failed: z.number().int(),
    recipients: z.number().int(),
    threshold: z.number(),
    /** Failures needed before the ratio counts. */
    minFailures: z.number().int(),
    windowMinutes: z.number().int(),
  }),
  /** Messages accepted in the burst window, against the number that blocks. */
  burst: z.object({
    count: z.number().int(),
    limit: z.number().int(),
    windowSeconds: z.number().int(),
  }),
  /** Messages the scanner flagged as spam in the last hour, against the number that blocks. */
  spam: z.object({ count: z.number().int(), limit: z.number().int() }),
  /** The bounce threshold is doubled until then (the customer acknowledged a bounce block). */
  relaxedUntil: isoDateTime.nullable(),
  /** Counting starts here: the window's start, or the last unblock if later. */
  since: isoDateTime,
});
export type ProtectionGauge = z.infer<typeof protectionGauge>;

export const emailStatus = z.object({
  state: hostingState,
  /** Who blocked the hosting, while it is blocked or purging. */
  blockedBy: actorRole.nullable(),
  stateReason: z.string().nullable(),
  stateChangedAt: isoDateTime,
  reportRecipient: z.string().nullable(),
  /** Where alerts are also posted as JSON; null when none is set. */
  alertWebhookUrl: z.string().nullable(),
  /**
   * The webhook's signing key, only in the answer to the change that made it (a new URL or a
   * rotation): it is never shown again. Deliveries carry `X-Scripts-Email-Signature`.
   */
  alertWebhookSecret: z.string().optional(),
  sent: z.number().int(),
  /** Messages delivered today (UTC): what reached the relay, whenever it was accepted. */
  sentToday: z.number().int(),
  /**
   * Messages accepted today (UTC), queued or held, what the daily limit counts: at `maxPerDay`
   * further submissions are refused with 452 until midnight UTC.
   */
  acceptedToday: z.number().int(),
  /** Submissions refused today (UTC), every reason (the Refusal rows of the day). */
  refusedToday: z.number().int(),
  maxPerDay: z.number().int(),
  errors: z.number().int(),
  /** Mail waiting now, exact at any size (kept as mail moves). */
  held: z.number().int(),
  /** Queued or being sent. */
  queued: z.number().int(),
  /** When the oldest held message expires. */
  nextExpiry: isoDateTime.nullable(),
  /** Why it is blocked (null while active). */
  blockCause: blockCause.nullable(),
  /** Whether the asking user may unblock now. */
  unblock: unblockRule,
  protection: protectionGauge,
  /** Held mail the spam scanner flagged (part of `held`). */
  spam: z.number().int(),
  /** False when no spam scanner is configured: mail goes out unscanned. */
  spamChecking: z.boolean(),
  /** Scripts whose new mail is held while the rest of the site sends. */
  heldScripts: z.array(z.string()),
  /** The alert kinds the hosting turned off: neither mailed nor posted. */
  alertsOff,
});
export type EmailStatus = z.infer<typeof emailStatus>;

/**
 * Only https://, or http:// to this machine's loopback address (a local receiver, which the
 * server still refuses unless its operator allows loopback in ALERT_WEBHOOK_ALLOW_NETWORKS).
 */
export const webhookUrl = z
  .string()
  .trim()
  .max(2000)
  .refine(
    (value) => {
      try {
        const url = new URL(value);
        if (url.username || url.password) return false;
        return (
          url.protocol === "https:" ||
          (url.protocol === "http:" && ["127.0.0.1", "[::1]", "localhost"].includes(url.hostname))
        );
      } catch {
        return false;
      }
    },
    { message: "must be an https:// URL (or http://127.0.0.1) without credentials" },
  );

/** Each field absent: unchanged. */
export const updateEmailSettings = z
  .object({
    reportRecipient: emailAddress.optional(),
    /** null: no webhook. */
    alertWebhookUrl: webhookUrl.nullable().optional(),
    /** true: a new signing key for the webhook (the old one stops working at once). */
    rotateAlertWebhookSecret: z.literal(true).optional(),
    /** The alert kinds to turn off (the whole list: a kind left out is sent). */
    alertsOff: alertsOff.optional(),
  })
  .refine(
    (s) =>
      s.reportRecipient !== undefined ||
      s.alertWebhookUrl !== undefined ||
      s.rotateAlertWebhookSecret !== undefined ||
      s.alertsOff !== undefined,
    { message: "must change the report recipient, the alert webhook, its key or the alerts" },
  );
export type UpdateEmailSettings = z.infer<typeof updateEmailSettings>;

export const reason = z
  .string()
  .trim()
  .min(1)
  .max(500)
  .refine((s) => !/[\r\n\0]/.test(s), { message: "must be a single line" });

export const emailRequest = z.object({ action: emailAction, reason: reason.optional() });
export type EmailRequest = z.infer<typeof emailRequest>;

export const errorsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type ErrorsQuery = z.infer<typeof errorsQuery>;

export const deliveryError = z.object({
  date: isoDateTime,
  recipient: z.string(),
  code: z.number().int().nullable(),
  /** The relay's reply on one line, without its code (shown beside `code`, once). */
  message: z.string(),
  /** failed: given up for good; deferred: refused for now, tried again until its deadline. */
  outcome: z.enum(["failed", "deferred"]),
});
export type DeliveryError = z.infer<typeof deliveryError>;
export const deliveryErrorList = z.array(deliveryError);

export const volumesQuery = z.object({
  days: z.coerce.number().int().min(1).max(366).default(30),
});
export type VolumesQuery = z.infer<typeof volumesQuery>;

export const dailyVolume = z.object({
  date: isoDate,
  sent: z.number().int(),
  errors: z.number().int(),
});
export type DailyVolume = z.infer<typeof dailyVolume>;
export const dailyVolumeList = z.array(dailyVolume);

export const stateChange = z.object({
  /** Pass as `before` to read the changes older than this one. */
  id: z.string(),
  from: hostingState,
  to: hostingState,
  at: isoDateTime,
  actorRole,
  /** Null for system changes, and for support staff when a customer is asking. */
  actorEmail: z.string().nullable(),
  reason: z.string().nullable(),
});
export type StateChange = z.infer<typeof stateChange>;
export const stateChangeList = z.array(stateChange);

export const testEmailRequest = z.object({ to: emailAddress });
export type TestEmailRequest = z.infer<typeof testEmailRequest>;

export const testEmailResult = z.object({
  id: z.string(),
  status: z.enum(["queued", "held"]),
});
export type TestEmailResult = z.infer<typeof testEmailResult>;

export const reportsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(10),
});
export type ReportsQuery = z.infer<typeof reportsQuery>;

/** A nightly error report: the day it covers, where it went, and how its delivery went. */
export const reportSummary = z.object({
  date: isoDate,
  recipient: z.string(),
  errors: z.number().int(),
  status: z.enum(["queued", "sent", "failed"]),
});
export type ReportSummary = z.infer<typeof reportSummary>;
export const reportSummaryList = z.array(reportSummary);
