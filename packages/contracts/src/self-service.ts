import { z } from "zod";
import { actorRole, isoDateTime } from "./common.ts";
import { reason } from "./email.ts";

/**
 * One of the signed-in user's sessions. The Session table keeps when it began and until when it
 * lasts (pushed forward while it is used), not the client's address or browser.
 */
export const accountSession = z.object({
  id: z.string(),
  createdAt: isoDateTime,
  expiresAt: isoDateTime,
  /** The session this request was made with ("this device"). */
  current: z.boolean(),
});
export type AccountSession = z.infer<typeof accountSession>;
export const accountSessionList = z.array(accountSession);
export const accountSessionParams = z.object({ id: z.uuid() });

/** How a site sends through the hosting: one set, built once (domain `buildSendingSettings`). */
export const sendingSettings = z.object({
  serviceName: z.string(),
  /** The SMTP user name: the service name. */
  user: z.string(),
  host: z.string(),
  port: z.number().int(),
  /** php.ini's `sendmail_path` through the product's own sendmail command. */
  phpSendmailPath: z.string(),
  /** The environment that sendmail command reads; `<password>` stands for the password. */
  phpSendmailEnvironment: z.string(),
  /** php.ini's `sendmail_path` through msmtp, the password read from `passwordFile`. */
  msmtpSendmailPath: z.string(),
  passwordFile: z.string(),
  /** An SMTP client's settings, one per line. */
  smtpClient: z.string(),
});
export type SendingSettings = z.infer<typeof sendingSettings>;

export const smtpPasswordRequest = z.object({ reason: reason.optional() });
export type SmtpPasswordRequest = z.infer<typeof smtpPasswordRequest>;

export const smtpPasswordReset = z.object({
  /** Shown once: only its hash is stored. */
  password: z.string(),
  /** The previous password is refused from now on, at the latest after this many seconds. */
  oldPasswordRefusedWithinSeconds: z.number().int().min(0),
  settings: sendingSettings,
});
export type SmtpPasswordReset = z.infer<typeof smtpPasswordReset>;

export const hostingAuditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type HostingAuditQuery = z.infer<typeof hostingAuditQuery>;

/** One entry of a hosting's activity log; a support agent is named to a customer as "Support". */
export const hostingAuditEntry = z.object({
  at: isoDateTime,
  /** Null for the system, and for support when a customer reads the log. */
  actorEmail: z.string().nullable(),
  actorRole,
  /** e.g. `email.block`, `email.report_recipient`, `hosting.smtp_password`. */
  action: z.string(),
  reason: z.string().nullable(),
});
export type HostingAuditEntry = z.infer<typeof hostingAuditEntry>;
export const hostingAuditList = z.array(hostingAuditEntry);
