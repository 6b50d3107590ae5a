import type { Database } from "@scripts-email/db";
import type { AlertService } from "./alert/alert-service.ts";
import type { AuditService } from "./audit/audit-service.ts";
import type { AccountService } from "./auth/account-service.ts";
import type { AuthService } from "./auth/auth-service.ts";
import type { Clock } from "./clock.ts";
import type { EmailService } from "./email/email-service.ts";
import type { ExportService } from "./export/export-service.ts";
import type { FleetService } from "./fleet/fleet-service.ts";
import type { HeldGroupsService } from "./held-groups/held-groups-service.ts";
import type { HostingService } from "./hosting/hosting-service.ts";
import type { MessageService } from "./message/message-service.ts";
import type { NoteService } from "./note/note-service.ts";
import type { Outbox } from "./outbox/outbox.ts";
import type { MailPath, MailPathOptions } from "./queue/index.ts";
import type { RefusalListService } from "./refusal/refusal-list-service.ts";
import type { ReportOptions, ReportService } from "./report/report-service.ts";
import type { ScriptsService } from "./scripts/scripts-service.ts";
import type { SelectionService } from "./selection/selection-service.ts";
import type { Logger } from "./shared/logger.ts";
import type { SuppressionService } from "./suppression/suppression-service.ts";
import type { UserService } from "./user/user-service.ts";

// What createServices (index.ts) takes and returns. Each service's interface sits beside its
// implementation; this file only gathers them, and no service imports it (only index.ts and
// the test helpers).

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
  /**
   * The largest message accepted (the SMTP server's limit, default 10 MiB): no larger stored
   * message is parsed to show its body.
   */
  maxMessageBytes?: number;
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
  /**
   * Run a new selection job (release or delete) at once in the process that created it, besides
   * the scheduler; default true. Tests that step the batches themselves turn it off.
   */
  startSelectionJobs?: boolean;
}

export interface Services {
  clock: Clock;
  users: UserService;
  auth: AuthService;
  account: AccountService;
  hostings: HostingService;
  email: EmailService;
  /** Support's fleet summary (the list is hostings.list). */
  fleet: FleetService;
  messages: MessageService;
  /** CSV exports' rows: a message search, the delivery errors; streamed a batch at a time. */
  exports: ExportService;
  /** Held mail grouped by script, subject or recipient domain. */
  heldGroups: HeldGroupsService;
  /** The per-script view and the scripts whose new mail is held. */
  scripts: ScriptsService;
  /** Submissions the SMTP ingest refused, per day, script and reason. */
  refusals: RefusalListService;
  /** Count, release or delete a hosting's mail by filter, as batched jobs. */
  selection: SelectionService;
  /** Recipients whose mail failed for good (5.1.x): refused at RCPT until expiry or removal. */
  suppressions: SuppressionService;
  /** Support's internal notes on a hosting (customers: not_found). */
  notes: NoteService;
  audit: AuditService;
  reports: ReportService;
  alerts: AlertService;
  /** Ingest, delivery and automatic protection: used by the SMTP server and the worker. */
  mail: MailPath;
  /** Where the product's own mail (reports, alerts) is queued. */
  outbox: Outbox;
  /** True when the database answers. */
  ping(): Promise<boolean>;
}
