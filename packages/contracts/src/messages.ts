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
  /** X-PHP-Originating-Script without its uid, else the submission kind (smtp, sendmail…). */
  script: z.string(),
  /** Held because the spam scanner would reject it. */
  spam: z.boolean(),
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
  /** The spam scanner's verdict; null when it was not scanned (scanner off, down, or not yet). */
  spamCheck: z
    .object({
      scannedAt: isoDateTime,
      score: z.number(),
      /** rspamd's action: no action, greylist, add header, rewrite subject, soft reject, reject. */
      action: z.string(),
      /** The symbols that weighed most, highest score first (at most 10). */
      symbols: z.array(
        z.object({ name: z.string(), score: z.number(), description: z.string().nullable() }),
      ),
    })
    .nullable(),
});
export type MessageDetail = z.infer<typeof messageDetail>;

/** Support must say why it reads a customer's message (audited); a customer reads their own. */
export const messageBodyQuery = z.object({ reason: z.string().trim().min(1).max(500).optional() });

/**
 * A held or queued message's content as its reader sees it: the text part, the HTML part (the
 * panel shows it as text or in a sandboxed frame, never as the page's own markup) and the
 * attachments' names. Null parts are absent from the message; 404 once the content is gone.
 */
export const messageBody = z.object({
  text: z.string().nullable(),
  html: z.string().nullable(),
  attachments: z.array(
    z.object({ filename: z.string().nullable(), contentType: z.string(), size: z.number().int() }),
  ),
});
export type MessageBody = z.infer<typeof messageBody>;
