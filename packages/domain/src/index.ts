import { AlertRepository } from "./alert/alert-repository.ts";
import { createAlertService } from "./alert/alert-service.ts";
import { parseWebhookNetworks } from "./alert/webhook-address.ts";
import { WebhookSecretRepository } from "./alert/webhook-secret.ts";
import { AuditRepository } from "./audit/audit-repository.ts";
import { createAuditService } from "./audit/audit-service.ts";
import { AccountRepository } from "./auth/account-repository.ts";
import { createAccountService } from "./auth/account-service.ts";
import { AuthRepository } from "./auth/auth-repository.ts";
import { createAuthService } from "./auth/auth-service.ts";
import { HOUR, systemClock } from "./clock.ts";
import { EmailJobsRepository } from "./email/email-jobs-repository.ts";
import { EmailReadRepository } from "./email/email-read-repository.ts";
import { createEmailService } from "./email/email-service.ts";
import { ExportRepository } from "./export/export-repository.ts";
import { createExportService } from "./export/export-service.ts";
import { FleetListRepository } from "./fleet/fleet-list-repository.ts";
import { createFleetService } from "./fleet/fleet-service.ts";
import { FleetSummaryRepository } from "./fleet/fleet-summary-repository.ts";
import { HeldGroupsRepository } from "./held-groups/held-groups-repository.ts";
import { createHeldGroupsService } from "./held-groups/held-groups-service.ts";
import { HostingRepository } from "./hosting/hosting-repository.ts";
import { createHostingService } from "./hosting/hosting-service.ts";
import { MessageRepository } from "./message/message-repository.ts";
import { createMessageService } from "./message/message-service.ts";
import { NoteRepository } from "./note/note-repository.ts";
import { createNoteService } from "./note/note-service.ts";
import { createOutbox } from "./outbox/outbox.ts";
import { createMailPath, MAIL_PATH_DEFAULTS } from "./queue/index.ts";
import { IngestRepository } from "./queue/ingest-repository.ts";
import { createRefusalListService } from "./refusal/refusal-list-service.ts";
import { RefusalReadRepository } from "./refusal/refusal-read-repository.ts";
import { ReportRepository } from "./report/report-repository.ts";
import { createReportService, type ReportOptions } from "./report/report-service.ts";
import { ScriptsRepository } from "./scripts/scripts-repository.ts";
import { createScriptsService } from "./scripts/scripts-service.ts";
import { SelectionRepository } from "./selection/selection-repository.ts";
import { createSelectionService } from "./selection/selection-service.ts";
import type { Services, ServicesOptions } from "./services.ts";
import { HealthRepository } from "./shared/health-repository.ts";
import { SuppressionRepository } from "./suppression/suppression-repository.ts";
import { createSuppressionService } from "./suppression/suppression-service.ts";
import { UserRepository } from "./user/user-repository.ts";
import { createUserService } from "./user/user-service.ts";

export { type Actor, AUTOMATIC, actorRoleOf, SYSTEM } from "./actor.ts";
export type {
  AlertService,
  RaiseAlert,
  WebhookPayload,
  WebhookSender,
} from "./alert/alert-service.ts";
export {
  addressRange,
  literalAddress,
  parseWebhookNetworks,
  refusedAddress,
  refusedWebhookUrl,
  type WebhookNetworks,
} from "./alert/webhook-address.ts";
export type { AuditService } from "./audit/audit-service.ts";
export type { AccountService } from "./auth/account-service.ts";
export type { AuthService, SessionInfo } from "./auth/auth-service.ts";
export { API_TOKEN_PREFIX } from "./auth/auth-service.ts";
export { type Clock, DAY, HOUR, ManualClock, systemClock } from "./clock.ts";
export { DEFAULT_BATCH_SIZE } from "./email/email-jobs.ts";
export type { EmailService } from "./email/email-service.ts";
export { DomainError } from "./errors.ts";
export type { ErrorExportRow } from "./export/export-repository.ts";
export {
  EXPORT_MAX_ROWS,
  type ExportBatches,
  type ExportService,
} from "./export/export-service.ts";
/** The fleet list's statement, for `pnpm bench`'s query plan. */
export { fleetPageParams, fleetPageSql } from "./fleet/fleet-list-repository.ts";
export type { FleetService } from "./fleet/fleet-service.ts";
export { HEALTH_COMPONENTS, type HealthComponent } from "./fleet/health-components.ts";
export type { HealthCount } from "./fleet/health-minute-repository.ts";
export type { HeldGroupsService } from "./held-groups/held-groups-service.ts";
export type { HostingRecord, HostingService } from "./hosting/hosting-service.ts";
export {
  canTransition,
  type HostingEvent,
  type HostingState,
  invalidTransition,
  nextState,
  TRANSITIONS,
} from "./hosting/hosting-state.ts";
export {
  checkSenderAddress,
  normalizeSenderDomain,
  type SenderVerdict,
} from "./hosting/sender-domains.ts";
export {
  buildSendingSettings,
  DEFAULT_SENDING_HOST,
  DEFAULT_SENDING_PORT,
  SENDMAIL_BIN,
  type SendingEndpoint,
  sendingSettingsText,
} from "./hosting/sending-settings.ts";
export { type Header, parseHeaders } from "./message/message-headers.ts";
export type { MessageExportRow } from "./message/message-repository.ts";
export type { MessageService } from "./message/message-service.ts";
export { MAX_SCRIPT_LENGTH, scriptOf } from "./message/script-name.ts";
export { replyText } from "./message/server-reply.ts";
export { NOTES_LIST_MAX, type NoteService } from "./note/note-service.ts";
export type { Outbox, QueuedSystemMessage, SystemMessage } from "./outbox/outbox.ts";
export { OLDEST_WAITING_SQL } from "./queue/delivery-repository.ts";
export * from "./queue/index.ts";
/** The bounce gauge's counts over the hosting `h`, for `pnpm bench`'s query plan. */
export { bounceCountsSql } from "./queue/protection-repository.ts";
export type { RefusalDays, RefusalListService } from "./refusal/refusal-list-service.ts";
export {
  MAX_REFUSAL_SCRIPTS,
  OTHER_SCRIPTS,
  REFUSAL_REASONS,
  type RefusalReason,
} from "./refusal/refusal-reasons.ts";
export type { RefusalCount } from "./refusal/refusal-repository.ts";
export type { RefusalService } from "./refusal/refusal-service.ts";
export { buildReport, groupErrors, panelUrl } from "./report/report-content.ts";
export type { ReportOptions, ReportOutcome, ReportService } from "./report/report-service.ts";
export { dueDays, isReportTime, isTimeZone, localDayRange } from "./report/report-time.ts";
export {
  MAX_HELD_SCRIPTS,
  type ScriptDays,
  type ScriptsService,
} from "./scripts/scripts-service.ts";
export {
  SELECTION_BATCH_SIZE,
  type SelectionService,
} from "./selection/selection-service.ts";
export type { Services, ServicesOptions } from "./services.ts";
export {
  type Logger,
  type LogRecord,
  recordingLogger,
  silentLogger,
} from "./shared/logger.ts";
export type { SystemMail } from "./shared/system-mail.ts";
export { suppressedReplyText } from "./suppression/suppressed-reply.ts";
export {
  enhancedStatus,
  isSuppressibleFailure,
} from "./suppression/suppressible-failure.ts";
export type {
  SuppressionRow,
  SuppressionService,
} from "./suppression/suppression-service.ts";
export { MIN_PASSWORD_LENGTH, type UserRecord, type UserService } from "./user/user-service.ts";

export const DEFAULT_SESSION_TTL_MS = 12 * HOUR;
export const DEFAULT_MAX_FAILED_LOGINS = 5;
export const DEFAULT_LOGIN_WINDOW_MS = 15 * 60_000;

export const REPORT_DEFAULTS = {
  time: "02:00",
  timeZone: "UTC",
  catchUpDays: 3,
  publicUrl: "http://127.0.0.1:3000",
  from: "scripts-email@localhost",
} satisfies ReportOptions;

/**
 * Wires the repositories and services over one database; everything above calls this. Built in
 * the order they depend on each other: the outbox needs only the message table, alerts and
 * reports send through it, the mail path tells alerts of automatic blocks, and the email service
 * sends test mail through the mail path.
 */
export function createServices(options: ServicesOptions): Services {
  const clock = options.clock ?? systemClock;
  const log = options.log ? { log: options.log } : {};

  const userRepository = new UserRepository(options.db);
  const hostingRepository = new HostingRepository(options.db);
  const audit = createAuditService({
    audit: new AuditRepository(options.db),
    users: userRepository,
    hostings: hostingRepository,
    clock,
  });
  const health = new HealthRepository(options.db);
  const reportOptions: ReportOptions = { ...REPORT_DEFAULTS, ...options.reports };
  const outbox = createOutbox({
    repo: new IngestRepository(options.db),
    clock,
    holdMs: options.mail?.holdMs ?? MAIL_PATH_DEFAULTS.holdMs,
  });
  const alerts = createAlertService({
    repo: new AlertRepository(options.db),
    outbox,
    clock,
    options: {
      timeZone: reportOptions.timeZone,
      publicUrl: reportOptions.publicUrl,
      from: reportOptions.from,
      webhookMaxAttempts: 5,
      webhookTimeoutMs: 5_000,
    },
    ...log,
  });
  const mail = createMailPath(
    { db: options.db, clock, ...options.mail },
    { alerts, dailyLimitAlerts: true, ...log },
  );
  const suppressions = createSuppressionService({
    hostings: hostingRepository,
    suppressions: new SuppressionRepository(options.db),
    audit,
    clock,
    refuses: (options.mail?.suppressionMs ?? MAIL_PATH_DEFAULTS.suppressionMs) > 0,
  });
  const email = createEmailService({
    hostings: hostingRepository,
    email: new EmailReadRepository(options.db),
    emailJobs: new EmailJobsRepository(options.db),
    audit,
    clock,
    ingest: mail.ingest,
    alerts,
    webhookSecrets: new WebhookSecretRepository(options.db),
    webhookNetworks: parseWebhookNetworks(options.webhookAllowNetworks),
    protectionRules: mail.rules,
    spamChecking: mail.spamChecking,
    suppressions,
  });
  const refusalReads = new RefusalReadRepository(options.db);
  const reports = createReportService({
    repo: new ReportRepository(options.db),
    refusals: refusalReads,
    hostings: hostingRepository,
    outbox,
    clock,
    options: reportOptions,
  });

  const authRepository = new AuthRepository(options.db);
  // a wrong current password (password change) counts as a failed sign-in of that address
  const loginThrottle = {
    maxFailedLogins: options.maxFailedLogins ?? DEFAULT_MAX_FAILED_LOGINS,
    loginWindowMs: options.loginWindowMs ?? DEFAULT_LOGIN_WINDOW_MS,
    loginDelayBaseMs: options.loginDelayBaseMs ?? 1_000,
    loginDelayMaxMs: options.loginDelayMaxMs ?? 5 * 60_000,
  };

  return {
    clock,
    mail,
    users: createUserService({ users: userRepository, clock }),
    auth: createAuthService({
      auth: authRepository,
      users: userRepository,
      audit,
      clock,
      options: { sessionTtlMs: options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS, ...loginThrottle },
    }),
    account: createAccountService({
      account: new AccountRepository(options.db),
      auth: authRepository,
      audit,
      clock,
      throttle: loginThrottle,
    }),
    hostings: createHostingService({
      hostings: hostingRepository,
      fleet: new FleetListRepository(options.db),
      users: userRepository,
      audit,
      clock,
    }),
    email,
    fleet: createFleetService({
      fleet: new FleetSummaryRepository(options.db),
      oldestWaitingAt: () => mail.delivery.oldestWaitingAt(),
      clock,
      spamChecking: mail.spamChecking,
    }),
    heldGroups: createHeldGroupsService({ heldGroups: new HeldGroupsRepository(options.db) }),
    messages: createMessageService({
      hostings: hostingRepository,
      messages: new MessageRepository(options.db),
      audit,
      ...(options.maxMessageBytes ? { maxBodyBytes: options.maxMessageBytes } : {}),
      maxLifetimeMs: options.mail?.maxLifetimeMs ?? MAIL_PATH_DEFAULTS.maxLifetimeMs,
    }),
    exports: createExportService({
      hostings: hostingRepository,
      messages: new MessageRepository(options.db),
      exports: new ExportRepository(options.db),
      audit,
    }),
    scripts: createScriptsService({
      hostings: hostingRepository,
      scripts: new ScriptsRepository(options.db),
      audit,
      clock,
    }),
    refusals: createRefusalListService({ refusals: refusalReads, clock }),
    selection: createSelectionService({
      selection: new SelectionRepository(options.db),
      hostings: hostingRepository,
      audit,
      clock,
      startJobs: options.startSelectionJobs ?? true,
      log: options.log,
    }),
    suppressions,
    notes: createNoteService({
      hostings: hostingRepository,
      notes: new NoteRepository(options.db),
      audit,
      clock,
    }),
    audit,
    reports,
    alerts,
    outbox,
    ping: () => health.ping(),
  };
}
