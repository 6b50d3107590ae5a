import { z } from "zod";
import { isoDateTime, serviceName, singleLine } from "./common.ts";

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

/**
 * What became of a message, as a customer asks it: `delivered` (sent), `failed` (failed or
 * expired), `deferred` (queued again after an attempt), `in_progress` (queued, not tried yet, or
 * being sent), `held`. `refused` mail was never accepted, so it is not a message: the list answers
 * an empty page for it, and the refusals list (`GET …/email/refusals`) holds what was refused.
 */
export const messageOutcome = z.enum([
  "delivered",
  "deferred",
  "failed",
  "in_progress",
  "held",
  "refused",
]);
export type MessageOutcome = z.infer<typeof messageOutcome>;

/** The filters of a message search, shared by the list and its CSV export. */
export const messageSearch = z.object({
  status: messageStatus.optional(),
  outcome: messageOutcome.optional(),
  /**
   * A sender or recipient address (exact, any case), a Message-ID (exact, with or without its
   * angle brackets) or a piece of the subject (any case).
   */
  q: singleLine(254).optional(),
  /** The script that sent it (X-PHP-Originating-Script without its uid, or smtp, sendmail…). */
  script: singleLine(500).optional(),
  /** One recipient address, exact, any case. */
  recipient: singleLine(254).optional(),
  /** Accepted at or after this time. */
  from: isoDateTime.optional(),
  /** Accepted before this time. */
  to: isoDateTime.optional(),
});
export type MessageSearch = z.infer<typeof messageSearch>;

export const messageListQuery = messageSearch.extend({
  /** Opaque: the `nextCursor` of the previous page. */
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type MessageListQuery = z.infer<typeof messageListQuery>;

/** Support may say why it exports a hosting's mail (recorded with the audited read). */
export const messageExportQuery = messageSearch.extend({
  reason: z.string().trim().min(1).max(500).optional(),
});
export type MessageExportQuery = z.infer<typeof messageExportQuery>;

export const errorsExportQuery = z.object({
  reason: z.string().trim().min(1).max(500).optional(),
});

export const messageSummary = z.object({
  id: z.string(),
  acceptedAt: isoDateTime,
  from: z.string(),
  to: z.array(z.string()),
  subject: z.string(),
  size: z.number().int(),
  status: messageStatus,
  attempts: z.number().int(),
  /**
   * When the message is given up: held mail expires at its hold expiry; queued mail (deferred or
   * not yet tried) fails at its delivery deadline (accepted + DELIVERY_MAX_HOURS).
   */
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
  /**
   * Set when a search (`q`, `recipient`, a deferred or in-progress outcome, a status within a
   * script) stopped at its bound before filling the page: it looked at messages accepted down to
   * this time, and `nextCursor` goes on from there. Absent or null otherwise.
   */
  searchedUntil: isoDateTime.nullable().optional(),
});
export type MessagePage = z.infer<typeof messagePage>;

export const messageParams = z.object({ serviceName, id: z.uuid() });

export const deliveryAttempt = z.object({
  at: isoDateTime,
  recipient: z.string(),
  outcome: z.enum(["delivered", "deferred", "failed", "expired"]),
  code: z.number().int().nullable(),
  /** The relay's reply on one line, without its code (shown beside `code`, once). */
  text: z.string(),
});

/**
 * Where one recipient's delivery stands: delivered, failed for good (the relay's code and
 * reply), deferred (retried at `nextAttemptAt`), pending (no attempt yet, or being sent), held
 * (with its hosting or script, or as spam), expired (held past its expiry), purged.
 */
export const recipientOutcome = z.enum([
  "delivered",
  "failed",
  "deferred",
  "pending",
  "held",
  "expired",
  "purged",
]);
export type RecipientOutcome = z.infer<typeof recipientOutcome>;

export const messageRecipient = z.object({
  address: z.string(),
  delivered: z.boolean(),
  outcome: recipientOutcome,
  /** The code and reply (without its code) of the recipient's last attempt; null without one. */
  code: z.number().int().nullable(),
  reply: z.string().nullable(),
  /** When the outcome was reached: the last attempt, or when the message expired or was purged. */
  at: isoDateTime.nullable(),
  /** Deferred: when it is tried again. */
  nextAttemptAt: isoDateTime.nullable(),
});
export type MessageRecipient = z.infer<typeof messageRecipient>;

export const messageDetail = messageSummary.extend({
  messageId: z.string().nullable(),
  source: z.enum(["smtp", "sendmail", "panel", "system"]),
  originatingScript: z.string().nullable(),
  sentAt: isoDateTime.nullable(),
  /** Null once the content was removed (after delivery retention, expiry or purge). */
  headers: z.array(z.object({ name: z.string(), value: z.string() })).nullable(),
  recipients: z.array(messageRecipient),
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
