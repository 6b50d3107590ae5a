import { z } from "zod";
import { actorRole, emailAddress, isoDate, isoDateTime } from "./common.ts";

export const hostingState = z.enum(["active", "blocked", "purging"]);
export type HostingState = z.infer<typeof hostingState>;

export const emailAction = z.enum(["block", "purge", "unblock"]);
export type EmailAction = z.infer<typeof emailAction>;

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
  sentToday: z.number().int(),
  maxPerDay: z.number().int(),
  errors: z.number().int(),
  /** Mail waiting now, exact at any size (kept as mail moves). */
  held: z.number().int(),
  /** Queued or being sent. */
  queued: z.number().int(),
  /** When the oldest held message expires. */
  nextExpiry: isoDateTime.nullable(),
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
  })
  .refine(
    (s) =>
      s.reportRecipient !== undefined ||
      s.alertWebhookUrl !== undefined ||
      s.rotateAlertWebhookSecret !== undefined,
    { message: "must change the report recipient, the alert webhook or its key" },
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
  message: z.string(),
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
