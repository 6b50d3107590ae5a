import { z } from "zod";
import { isoDateTime, serviceName } from "./common.ts";

export const messageStatus = z.enum([
  "queued",
  "held",
  "sending",
  "sent",
  "failed",
  "expired",
  "purged",
]);
export type MessageStatus = z.infer<typeof messageStatus>;

export const messageListQuery = z.object({
  status: messageStatus.optional(),
  /** Opaque: the `nextCursor` of the previous page. */
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type MessageListQuery = z.infer<typeof messageListQuery>;

export const messageSummary = z.object({
  id: z.string(),
  acceptedAt: isoDateTime,
  from: z.string(),
  to: z.array(z.string()),
  subject: z.string(),
  size: z.number().int(),
  status: messageStatus,
  attempts: z.number().int(),
  expiresAt: isoDateTime,
  nextAttemptAt: isoDateTime.nullable(),
});
export type MessageSummary = z.infer<typeof messageSummary>;

export const messagePage = z.object({
  items: z.array(messageSummary),
  nextCursor: z.string().nullable(),
});
export type MessagePage = z.infer<typeof messagePage>;

export const messageParams = z.object({ serviceName, id: z.uuid() });

export const deliveryAttempt = z.object({
  at: isoDateTime,
  recipient: z.string(),
  outcome: z.enum(["delivered", "deferred", "failed", "expired"]),
  code: z.number().int().nullable(),
  text: z.string(),
});

export const messageDetail = messageSummary.extend({
  messageId: z.string().nullable(),
  source: z.enum(["smtp", "sendmail", "panel", "system"]),
  originatingScript: z.string().nullable(),
  sentAt: isoDateTime.nullable(),
  /** Null once the content was removed (after delivery retention, expiry or purge). */
  headers: z.array(z.object({ name: z.string(), value: z.string() })).nullable(),
  recipients: z.array(z.object({ address: z.string(), delivered: z.boolean() })),
  attempts: z.array(deliveryAttempt),
});
export type MessageDetail = z.infer<typeof messageDetail>;
