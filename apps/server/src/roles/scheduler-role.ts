import type { Services, WebhookSender } from "@scripts-email/domain";
import { createQueueGauges, type QueueGauges } from "@scripts-email/mta";
import { createWebhookSender, postWebhook } from "../alerts/webhook-sender.ts";
import { englishCount } from "../english-count.ts";
import type { RoleContext, RunningRole } from "./role.ts";

export const SCHEDULER_INTERVAL_MS = 5_000;

export interface Job {
  name: string;
  /** Returns how many messages it handled. */
  run(): Promise<number>;
  /** The log line when it handled some. */
  report(n: number): string;
}

/** The periodic work of the mail path; each is safe alongside other processes doing the same. */
export function mailJobs(
  services: Pick<Services, "email" | "mail" | "reports" | "alerts" | "selection" | "suppressions">,
  webhook: WebhookSender = postWebhook,
): Job[] {
  return [
    {
      name: "purge",
      run: () => services.email.runPurges(),
      report: (n) => `purged ${englishCount(n, "held message", "held messages")}`,
    },
    {
      // release and delete by filter; the API process also starts a new job at once
      name: "selection",
      run: () => services.selection.runJobs(),
      report: (n) =>
        `released or deleted ${englishCount(n, "selected message", "selected messages")}`,
    },
    {
      name: "hold",
      run: () => services.email.runHolds(),
      report: (n) =>
        `held ${englishCount(n, "queued message", "queued messages")} of blocked hostings and held scripts`,
    },
    {
      name: "release",
      run: () => services.email.runReleases(),
      report: (n) => `released ${englishCount(n, "held message", "held messages")} for delivery`,
    },
    {
      name: "expiry",
      run: () => services.mail.delivery.expireHeld(),
      report: (n) =>
        `expired ${englishCount(n, "held message", "held messages")} past their 72 hours`,
    },
    {
      name: "retention",
      run: () => services.mail.delivery.dropOldContent(),
      report: (n) =>
        `cleared ${englishCount(n, "message", "messages")} past retention (content of delivered mail removed, purged mail deleted)`,
    },
    {
      // decides by itself whether a report time has passed and which days are due
      name: "report",
      run: () => services.reports.runDue(),
      report: (n) => `queued ${englishCount(n, "nightly error report", "nightly error reports")}`,
    },
    {
      name: "expiry-alert",
      run: () => services.alerts.checkExpiringHeld(),
      report: (n) =>
        `told ${englishCount(n, "hosting", "hostings")} that held mail expires within 24 hours`,
    },
    {
      name: "alert-webhooks",
      run: () => services.alerts.deliverWebhooks(webhook),
      report: (n) => `posted ${englishCount(n, "alert webhook", "alert webhooks")}`,
    },
    {
      name: "suppression-expiry",
      run: () => services.suppressions.expire(),
      report: (n) =>
        `removed ${englishCount(n, "expired suppression list entry", "expired suppression list entries")}`,
    },
  ];
}

/** Housekeeping of the panel's credentials: expired sessions and API tokens are deleted. */
export function credentialJobs(services: Pick<Services, "account">): Job[] {
  return [
    {
      name: "credentials-prune",
      run: () => services.account.pruneExpired(),
      report: (n) =>
        `deleted ${englishCount(n, "expired session or API token", "expired sessions and API tokens")}`,
    },
  ];
}

/**
 * The operator's gauges that only the database knows (oldest waiting and oldest due mail, blocked
 * hostings by cause): three reads a tick, whatever the number of scrapes. Handles no mail, so
 * never logs.
 */
export function gaugeJobs(services: Pick<Services, "clock" | "mail">, gauges: QueueGauges): Job[] {
  return [
    {
      name: "queue-gauges",
      async run() {
        const [oldest, due, blocked] = await Promise.all([
          services.mail.delivery.oldestWaitingAt(),
          services.mail.delivery.oldestDueAt(),
          services.mail.protection.blockedByCause(),
        ]);
        const now = services.clock.now();
        gauges.oldestWaiting(oldest, now);
        gauges.oldestDue(due, now);
        gauges.blockedHostings(blocked);
        return 0;
      },
      report: () => "",
    },
  ];
}

/**
 * Runs the jobs one after the other every few seconds. A failed job is logged and retried on
 * the next tick; stopping waits for the run in hand.
 */
export async function startSchedulerRole(
  { services, log, config, metrics }: RoleContext,
  intervalMs = SCHEDULER_INTERVAL_MS,
  jobs: Job[] = [
    ...mailJobs(services, createWebhookSender({ allowNetworks: config.alertWebhookAllowNetworks })),
    ...credentialJobs(services),
    ...gaugeJobs(services, createQueueGauges(metrics)),
  ],
): Promise<RunningRole> {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();

  const tick = async () => {
    for (const job of jobs) {
      if (stopped) return;
      try {
        const n = await job.run();
        if (n > 0) log.info({ job: job.name, count: n }, job.report(n));
      } catch (err) {
        log.error({ err, job: job.name }, "job run failed");
      }
    }
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      current = tick().finally(schedule);
    }, intervalMs);
  };

  current = tick().finally(schedule);

  return {
    name: "scheduler",
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
