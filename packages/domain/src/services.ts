import type {
  ApiToken,
  AuditEntry,
  AuditQuery,
  CreatedToken,
  DailyVolume,
  DeliveryError,
  EmailAction,
  EmailStatus,
  HostingList,
  Locale,
  MessageDetail,
  MessageListQuery,
  MessagePage,
  ReportSummary,
  SenderDomains,
  StateChange,
  TestEmailResult,
  UserRole,
} from "@scripts-email/contracts";
import type { Database } from "@scripts-email/db";
import type { Actor } from "./actor.ts";
import type { Clock } from "./clock.ts";
import type { MailPath, MailPathOptions } from "./queue/index.ts";
import type { ReportOptions } from "./report/report-service.ts";
import type { Logger } from "./shared/logger.ts";

export interface ServicesOptions {
  db: Database;
  clock?: Clock;
  /** How long a panel session lasts without being used; default 12 hours. */
  sessionTtlMs?: number;
  /**
   * Failed logins of one (client, e-mail) within `loginWindowMs` before the next must wait;
   * default 5 in 15 minutes (see auth/login-throttle.ts for the per-client and per-e-mail ones).
   */
  maxFailedLogins?: number;
  loginWindowMs?: number;
  /** The first wait after too many failures, doubled at each further one; default 1 s. */
  loginDelayBaseMs?: number;
  /** The longest wait; default 5 minutes. */
  loginDelayMaxMs?: number;
  /** Hold, lease, lifetime, retention and automatic-protection settings of the mail path. */
  mail?: MailPathOptions;
  /** When the nightly report runs, the panel's address and the sender of reports and alerts. */
  reports?: Partial<ReportOptions>;
  /**
   * Internal networks (CIDR) alert webhooks may reach, e.g. a receiver on this machine; public
   * addresses only by default.
   */
  webhookAllowNetworks?: string | readonly string[];
  /** Where failures that change no answer are reported (webhooks, checks after a commit). */
  log?: Logger;
}

export interface UserRecord {
  id: string;
  email: string;
  role: UserRole;
  locale: Locale;
}

export interface SessionInfo {
  user: UserRecord;
  sessionId: string;
  csrfToken: string;
  expiresAt: Date;
}

export interface UserService {
  /** Throws DomainError("already_exists") for a taken address. Password: at least 8 characters. */
  create(input: {
    email: string;
    password: string;
    role: UserRole;
    locale?: Locale;
  }): Promise<UserRecord>;
  findByEmail(email: string): Promise<UserRecord | null>;
  count(): Promise<number>;
}

export interface AuthService {
  /**
   * Checks the password (argon2id) and opens a new session: a new token on every login. Throws
   * DomainError("invalid_credentials"). Repeated failures per (client, e-mail), per client and
   * per e-mail make the next attempt wait, growing from 1 s (DomainError("too_many_attempts",
   * { seconds, minutes })); a correct password from a client that has not failed is never kept
   * waiting by others' failures. `clientAddress`: the address the request came from.
   */
  login(
    email: string,
    password: string,
    clientAddress?: string | null,
  ): Promise<SessionInfo & { sessionToken: string }>;
  /** Returns null for an unknown or expired session. Extends a session that is in use. */
  authenticateSession(sessionToken: string): Promise<SessionInfo | null>;
  logout(sessionToken: string): Promise<void>;
  /**
   * Personal API token, returned once; only its hash is stored. It stops working after
   * `expiresInDays` (1–365, default 90).
   */
  createApiToken(actor: Actor, name: string, expiresInDays?: number): Promise<CreatedToken>;
  /** The user of a known, unexpired token; null otherwise. Read from the database every time. */
  authenticateToken(token: string): Promise<UserRecord | null>;
}

/** What signed-in users manage of their own credentials. */
export interface AccountService {
  /** The actor's own tokens, newest first, expired ones too until pruned; never the secret. */
  listApiTokens(actor: Actor): Promise<ApiToken[]>;
  /** Deletes one of the actor's own tokens at once; anyone else's is DomainError("not_found"). */
  revokeApiToken(actor: Actor, id: string): Promise<void>;
  /**
   * Needs the current password (else validation_failed on `currentPassword`; repeated wrong
   * ones are throttled as failed sign-ins, DomainError("too_many_attempts")); the new one obeys
   * the rule of user creation. Ends every session of the user but `keepSessionId` and every API
   * token; audited.
   */
  changePassword(
    actor: Actor,
    input: {
      currentPassword: string;
      newPassword: string;
      keepSessionId: string | null;
      /** Where the request came from: wrong current passwords count as failed sign-ins there. */
      clientAddress?: string | null;
    },
  ): Promise<void>;
  /**
   * The operator's reset (CLI), without the current password: ends every session and API token
   * of the user (DomainError("not_found") for an unknown address); audited as the system.
   */
  resetPassword(email: string, newPassword: string): Promise<{ sessions: number; tokens: number }>;
  /** Deletes expired sessions, and tokens a week after they expired. Returns how many. */
  pruneExpired(): Promise<number>;
}

export interface HostingRecord {
  id: string;
  serviceName: string;
  ownerId: string;
  ownerEmail: string;
  state: "active" | "blocked" | "purging";
  reportRecipient: string | null;
  alertWebhookUrl: string | null;
  maxPerDay: number;
  /** Extra sender domains added by support (the service name is always allowed). */
  senderDomains: string[];
}

export interface HostingService {
  /** A customer's own hostings; support sees all, `q` matches service name or owner e-mail. */
  list(actor: Actor, q?: string): Promise<HostingList>;
  /** Throws DomainError("not_found") when the hosting does not exist or the actor may not see it. */
  get(actor: Actor, serviceName: string): Promise<HostingRecord>;
  create(input: {
    serviceName: string;
    ownerEmail: string;
    reportRecipient?: string | null;
    maxPerDay?: number;
  }): Promise<HostingRecord>;
  /** Sets a new random SMTP password (stored hashed) and returns it. */
  resetSmtpPassword(serviceName: string): Promise<string>;
  verifySmtpPassword(serviceName: string, password: string): Promise<HostingRecord | null>;
  /** The extra sender domains, for whoever may see the hosting (else DomainError("not_found")). */
  senderDomains(actor: Actor, serviceName: string): Promise<SenderDomains>;
  /**
   * Support (with a reason) and the system only: a customer gets DomainError("forbidden") on its
   * own hosting, "not_found" on others'. Each domain is normalised (lower case, IDNA) or refused
   * with "validation_failed"; every change is audited.
   */
  changeSenderDomains(
    actor: Actor,
    serviceName: string,
    change: { add?: string[]; remove?: string[]; reason?: string },
  ): Promise<SenderDomains>;
}

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
    },
  ): Promise<EmailStatus>;
  /**
   * block | purge | unblock. Illegal transitions throw DomainError("invalid_transition");
   * a customer lifting a support block gets DomainError("blocked_by_support"); support without
   * a reason gets DomainError("reason_required"). Recorded in the state history and, for
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
  history(actor: Actor, serviceName: string): Promise<StateChange[]>;
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
   * whatever the queue size (the delivery worker already skips hostings that are not active).
   * Returns how many messages it marked. Safe to run from several processes.
   */
  runHolds(batchSize?: number): Promise<number>;
}

export interface MessageService {
  list(actor: Actor, serviceName: string, query: MessageListQuery): Promise<MessagePage>;
  get(actor: Actor, serviceName: string, id: string): Promise<MessageDetail>;
}

export interface AuditService {
  record(entry: {
    actor: Actor;
    action: string;
    hostingId?: string | null;
    reason?: string | null;
    details?: Record<string, unknown>;
  }): Promise<void>;
  /** Support only (others get forbidden): who did what, when and why, newest first. */
  list(actor: Actor, query: AuditQuery): Promise<AuditEntry[]>;
}

export interface ReportOutcome {
  serviceName: string;
  recipient: string;
  errors: number;
  /** queued now; already_reported by an earlier run (nothing sent again); dry_run: built only. */
  result: "queued" | "already_reported" | "dry_run";
  subject: string | null;
  /** The text part of the report. */
  text: string | null;
}

export interface ReportService {
  /**
   * The scheduler's tick: sends the reports of every day that is due (yesterday once the report
   * time has passed, and missed days up to the catch-up limit). Cheap when nothing is due.
   * Returns how many reports it queued. Safe to run from several processes.
   */
  runDue(): Promise<number>;
  /**
   * The reports of one day (YYYY-MM-DD, in the report time zone), for every hosting with errors
   * or only `serviceName`; `dryRun` builds them without recording or sending anything.
   */
  run(date: string, select?: { serviceName?: string; dryRun?: boolean }): Promise<ReportOutcome[]>;
  /** The hosting's last reports, newest day first. */
  list(actor: Actor, serviceName: string, limit: number): Promise<ReportSummary[]>;
}

export interface WebhookPayload {
  kind: string;
  serviceName: string;
  at: string;
  details: unknown;
}

/** Posts one alert; throws when it was not accepted (the attempt is retried later). */
export type WebhookSender = (
  url: string,
  payload: WebhookPayload,
  timeoutMs: number,
  /** The hosting's signing key; null for a webhook set before keys existed (sent unsigned). */
  secret: string | null,
) => Promise<void>;

export interface AlertService {
  /** Tells blocked hostings whose held mail expires within 24 hours (once per block). */
  checkExpiringHeld(): Promise<number>;
  /** Posts due webhook alerts; failures are retried on later calls a bounded number of times. */
  deliverWebhooks(send: WebhookSender, limit?: number): Promise<number>;
}

export interface Services {
  clock: Clock;
  users: UserService;
  auth: AuthService;
  account: AccountService;
  hostings: HostingService;
  email: EmailService;
  messages: MessageService;
  audit: AuditService;
  reports: ReportService;
  alerts: AlertService;
  /** Ingest, delivery and automatic protection: used by the SMTP server and the worker. */
  mail: MailPath;
  /** True when the database answers. */
  ping(): Promise<boolean>;
}
