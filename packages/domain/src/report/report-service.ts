import type { ReportSummary } from "@scripts-email/contracts";
import { isLocale, type Locale } from "@scripts-email/i18n";
import type { Actor } from "../actor.ts";
import type { Clock } from "../clock.ts";
import { DomainError } from "../errors.ts";
import { loadVisibleHosting } from "../hosting/hosting-access.ts";
import type { HostingRepository } from "../hosting/hosting-repository.ts";
import type { Outbox } from "../outbox/outbox.ts";
import type { RefusalDay, RefusalReadRepository } from "../refusal/refusal-read-repository.ts";
import { buildSystemMail } from "../shared/system-mail.ts";
import { isoDay } from "../shared/time.ts";
import { buildReport, panelUrl } from "./report-content.ts";
import type { ReportHosting, ReportRepository } from "./report-repository.ts";
import { dueDays, localDayRange, type ReportSchedule, utcDaysOverlapping } from "./report-time.ts";

export interface ReportOptions extends ReportSchedule {
  /** Base URL of the panel, for the link in the report. */
  publicUrl: string;
  /** Sender address of the product's own mail. */
  from: string;
  /** Errors read per report to fill its table (the count is always exact). */
  maxEvents?: number;
  /**
   * Tests only: runs inside the report's transaction right after the run is recorded, before
   * its message is queued (a crash there must roll both back).
   */
  afterRunRecorded?: (hostingId: string) => Promise<void>;
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
   * or refused submissions that day, or only `serviceName`; `dryRun` builds them without recording or sending anything.
   */
  run(date: string, select?: { serviceName?: string; dryRun?: boolean }): Promise<ReportOutcome[]>;
  /** The hosting's last reports, newest day first. */
  list(actor: Actor, serviceName: string, limit: number): Promise<ReportSummary[]>;
}

const MAX_LIST = 100;
const RETRY_MS = 60_000;

const STATUS: Record<string, ReportSummary["status"]> = {
  queued: "queued",
  held: "queued",
  sending: "queued",
  sent: "sent",
  failed: "failed",
  expired: "failed",
  purged: "failed",
};

export function createReportService(deps: {
  repo: ReportRepository;
  /** The day's submission refusals, summed up in the report. */
  refusals: Pick<RefusalReadRepository, "dayOf">;
  hostings: HostingRepository;
  /** Where the report is queued, in the transaction that records its run. */
  outbox: Outbox;
  clock: Clock;
  options: ReportOptions;
}): ReportService {
  const { repo, clock, options } = deps;
  // Days up to this one (ms) are done in this process: the 5-second tick costs nothing then.
  let doneThrough = Number.NEGATIVE_INFINITY;
  let retryAt = 0;

  async function buildFor(
    hosting: ReportHosting,
    day: Date,
    errorCount: number,
    refusals: RefusalDay,
  ) {
    const range = localDayRange(day, options.timeZone);
    const events =
      errorCount > 0 ? await repo.errorEvents(hosting.id, range, options.maxEvents ?? 1000) : [];
    const locale: Locale = isLocale(hosting.ownerLocale) ? hosting.ownerLocale : "en";
    const recipient = hosting.reportRecipient ?? hosting.ownerEmail;
    const content = buildReport({
      locale,
      serviceName: hosting.serviceName,
      day,
      timeZone: options.timeZone,
      errorCount,
      events,
      panelUrl: panelUrl(options.publicUrl, hosting.serviceName),
      refusals,
    });
    const raw = await buildSystemMail({
      from: options.from,
      fromName: "Scripts-email",
      to: recipient,
      subject: content.subject,
      text: content.text,
      html: content.html,
      date: clock.now(),
    });
    return { recipient, content, raw };
  }

  /** Records the run, queues the report and links them, in one transaction. */
  async function send(
    hosting: ReportHosting,
    day: Date,
    errorCount: number,
    refusals: RefusalDay,
  ): Promise<ReportOutcome> {
    const { recipient, content, raw } = await buildFor(hosting, day, errorCount, refusals);
    const queued = await repo.transaction(async (tx) => {
      const runId = await repo.insertRun(tx, {
        hostingId: hosting.id,
        day,
        recipient,
        errorCount,
        at: clock.now(),
      });
      if (!runId) return false;
      await options.afterRunRecorded?.(hosting.id);
      const message = await deps.outbox.enqueue({ to: recipient, from: options.from, raw }, tx);
      await repo.setRunMessage(tx, runId, message.id);
      return true;
    });
    return {
      serviceName: hosting.serviceName,
      recipient,
      errors: errorCount,
      result: queued ? "queued" : "already_reported",
      subject: content.subject,
      text: content.text,
    };
  }

  async function runDay(
    day: Date,
    select: { serviceName?: string; dryRun?: boolean },
  ): Promise<ReportOutcome[]> {
    const range = localDayRange(day, options.timeZone);
    let ids: string[];
    if (select.serviceName) {
      const hosting = await repo.hosting({ serviceName: select.serviceName });
      if (!hosting) throw new DomainError("not_found");
      ids = [hosting.id];
    } else {
      // refusals are counted per UTC day: the report's date's
      const [withErrors, withRefusals] = await Promise.all([
        repo.hostingsWithErrors(utcDaysOverlapping(range)),
        repo.hostingsWithRefusals(day),
      ]);
      ids = [...new Set([...withErrors, ...withRefusals])].sort();
    }
    const reported = await repo.reportedOn(ids, day);
    const outcomes: ReportOutcome[] = [];
    const failures: unknown[] = [];
    for (const id of ids) {
      try {
        if (reported.has(id) && !select.dryRun) {
          if (select.serviceName) {
            const h = await repo.hosting({ id });
            outcomes.push({
              serviceName: h?.serviceName ?? id,
              recipient: "",
              errors: 0,
              result: "already_reported",
              subject: null,
              text: null,
            });
          }
          continue;
        }
        const errorCount = await repo.countErrors(id, range);
        const refusals = await deps.refusals.dayOf(id, day);
        if (errorCount === 0 && refusals.total === 0) continue;
        const hosting = await repo.hosting({ id });
        if (!hosting) continue;
        if (select.dryRun) {
          const { recipient, content } = await buildFor(hosting, day, errorCount, refusals);
          outcomes.push({
            serviceName: hosting.serviceName,
            recipient,
            errors: errorCount,
            result: "dry_run",
            subject: content.subject,
            text: content.text,
          });
        } else {
          outcomes.push(await send(hosting, day, errorCount, refusals));
        }
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) {
      throw new AggregateError(failures, `${failures.length} report(s) of ${isoDay(day)} failed`);
    }
    return outcomes;
  }

  return {
    async runDue() {
      const now = clock.now();
      if (now.getTime() < retryAt) return 0;
      const days = dueDays(now, options).filter((d) => d.getTime() > doneThrough);
      let queued = 0;
      for (const day of days) {
        try {
          const outcomes = await runDay(day, {});
          queued += outcomes.filter((o) => o.result === "queued").length;
          doneThrough = day.getTime();
        } catch (error) {
          retryAt = now.getTime() + RETRY_MS;
          throw error;
        }
      }
      return queued;
    },

    async run(date, select = {}) {
      const day = new Date(`${date}T00:00:00.000Z`);
      // also refuses dates that do not exist (2026-02-30), which Date would roll over
      if (
        !/^\d{4}-\d{2}-\d{2}$/.test(date) ||
        Number.isNaN(day.getTime()) ||
        isoDay(day) !== date
      ) {
        throw new DomainError("validation_failed", { field: "date" });
      }
      return runDay(day, select);
    },

    async list(actor: Actor, serviceName: string, limit: number) {
      const hosting = await loadVisibleHosting(deps.hostings, actor, serviceName);
      const take = Math.min(Math.max(Math.trunc(limit) || 1, 1), MAX_LIST);
      const rows = await repo.recent(hosting.id, take);
      return rows.map((r) => ({
        date: isoDay(r.day),
        recipient: r.recipient,
        errors: r.errorCount,
        status: r.messageStatus ? (STATUS[r.messageStatus] ?? "queued") : "failed",
      }));
    },
  };
}
