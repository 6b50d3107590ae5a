import {
  type SelectionAccepted,
  type SelectionCount,
  type SelectionFilter,
  type SelectionJob,
  type SelectionRequest,
  type SelectionStatus,
  selectionRequest,
} from "@scripts-email/contracts";
import { type Actor, actorRoleOf } from "../actor.ts";
import type { InternalAuditService } from "../audit/audit-service.ts";
import type { Clock } from "../clock.ts";
import { DomainError } from "../errors.ts";
import { loadVisibleHosting } from "../hosting/hosting-access.ts";
import type { HostingRepository } from "../hosting/hosting-repository.ts";
import { type Logger, silentLogger } from "../shared/logger.ts";
import { isUuid, parseReason } from "../shared/validation.ts";
import type { SelectionJobRow, SelectionRepository } from "./selection-repository.ts";

export const SELECTION_BATCH_SIZE = 1000;
/** The panel's "recent actions". */
const LATEST_JOBS = 20;

export interface SelectionService {
  /**
   * `count`: how many messages the filter matches now. `release` and `delete`: a job that does
   * it in batches (run at once in this process, and by the scheduler), with how many it covers.
   * Support must give a reason. A customer may not release mail flagged as spam: asking for
   * status `spam` (or for ids among which some are spam) is `spam_release_forbidden`, and a
   * release without a status covers held and queued mail but not spam. Every job is audited.
   */
  select(
    actor: Actor,
    serviceName: string,
    request: SelectionRequest,
  ): Promise<SelectionCount | SelectionAccepted>;
  job(actor: Actor, serviceName: string, jobId: string): Promise<SelectionJob>;
  /** The hosting's latest jobs, newest first. */
  jobs(actor: Actor, serviceName: string): Promise<{ items: SelectionJob[] }>;
  /**
   * Runs the jobs still running, each in batches of short transactions, at most `maxBatches` per
   * job (the rest at the next run); a job another process is working on is left to it. Returns
   * how many messages it handled.
   */
  runJobs(batchSize?: number, maxBatches?: number): Promise<number>;
  /** Resolves once the run started by the latest `select` in this process has ended. */
  idle(): Promise<void>;
}

export function createSelectionService(deps: {
  selection: SelectionRepository;
  hostings: HostingRepository;
  audit: InternalAuditService;
  clock: Clock;
  /** Run a new job at once in this process (else only the scheduler runs it). Default true. */
  startJobs?: boolean;
  log?: Logger | undefined;
}): SelectionService {
  const { selection: repo, hostings, audit, clock } = deps;
  const log = deps.log ?? silentLogger;

  /** One batch of a job; null when it is finished or another process holds it. */
  function runBatch(id: string, batchSize: number) {
    return repo.batchTransaction(async (tx) => {
      const job = await repo.lockRunningJob(tx, id);
      if (!job) return null;
      const now = clock.now();
      const n =
        job.action === "release"
          ? await repo.releaseBatch(tx, job, batchSize, now)
          : await repo.deleteBatch(tx, job, batchSize, now);
      const last = n < batchSize;
      await repo.progress(tx, id, n, last, now);
      if (last) await repo.recordOutcome(id, { state: "finished" }, tx);
      return { n, last };
    });
  }

  async function runJob(id: string, batchSize: number, maxBatches: number): Promise<number> {
    let total = 0;
    for (let batch = 0; batch < maxBatches; batch++) {
      let step: { n: number; last: boolean } | null;
      try {
        step = await runBatch(id, batchSize);
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        log.error({ err, selectionJob: id }, "selection job failed");
        if (await repo.fail(id, error, clock.now())) {
          await repo.recordOutcome(id, { state: "failed", error });
        }
        return total;
      }
      if (!step) return total;
      total += step.n;
      if (step.last) return total;
    }
    return total;
  }

  async function runJobs(
    batchSize = SELECTION_BATCH_SIZE,
    maxBatches = Number.POSITIVE_INFINITY,
  ): Promise<number> {
    let total = 0;
    for (const id of await repo.runningJobIds()) total += await runJob(id, batchSize, maxBatches);
    return total;
  }

  // One run at a time in this process; a job created meanwhile gets a run after it.
  let running: Promise<void> | null = null;
  let again = false;
  function startJobs(): void {
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        await runJobs();
      } while (again);
    })()
      .catch((err) => log.error({ err }, "selection jobs run failed"))
      .finally(() => {
        running = null;
      });
  }

  function toJob(row: SelectionJobRow, asker: Actor): SelectionJob {
    const askerIsSupport = actorRoleOf(asker) === "support";
    return {
      id: row.id,
      action: row.action,
      filter: row.filter,
      reason: row.reason,
      state: row.state,
      matched: row.matched,
      done: row.done,
      actorRole: row.actorRole,
      // support staff stay anonymous to customers, as in the history
      actorEmail:
        row.actorRole === "customer" || (row.actorRole === "support" && askerIsSupport)
          ? row.actorEmail
          : null,
      createdAt: row.createdAt,
      finishedAt: row.finishedAt,
    };
  }

  /** The filter a release runs with: a customer's never covers spam (see `select`). */
  async function releaseFilter(
    role: "customer" | "support" | "system",
    hostingId: string,
    filter: SelectionFilter,
  ): Promise<SelectionFilter> {
    if (role !== "customer") return filter;
    if (filter.status?.includes("spam")) throw new DomainError("spam_release_forbidden");
    if (filter.status) return filter;
    if (filter.ids && (await repo.count(hostingId, { ...filter, status: ["spam"] })) > 0) {
      throw new DomainError("spam_release_forbidden");
    }
    const notSpam: SelectionStatus[] = ["held", "queued"];
    return { ...filter, status: notSpam };
  }

  return {
    async select(actor, serviceName, raw) {
      // the reason is judged by parseReason (blank: none), as in every support action
      const parsed = selectionRequest.omit({ reason: true }).safeParse(raw);
      if (!parsed.success) {
        throw new DomainError("validation_failed", {
          field: parsed.error.issues[0]?.path.join(".") || "filter",
        });
      }
      const request = parsed.data;
      const hosting = await loadVisibleHosting(hostings, actor, serviceName);
      if (request.action === "count") {
        return { matched: await repo.count(hosting.id, request.filter) };
      }
      const action = request.action;
      const role = actorRoleOf(actor);
      const reason = parseReason(raw.reason);
      if (role === "support" && !reason) throw new DomainError("reason_required");
      const filter =
        action === "release"
          ? await releaseFilter(role, hosting.id, request.filter)
          : request.filter;
      // what the job will do: a release leaves out queued mail already released
      const matched = await repo.count(hosting.id, filter, { releasable: action === "release" });
      const at = clock.now();
      const jobId = await repo.transaction(async (tx) => {
        const id = await repo.createJob(
          {
            hostingId: hosting.id,
            actorId: actor.kind === "user" ? actor.userId : null,
            actorRole: role,
            action,
            filter,
            reason,
            matched,
            at,
          },
          tx,
        );
        await audit.record(
          {
            actor,
            action: `email.selection.${action}`,
            hostingId: hosting.id,
            reason,
            details: { jobId: id, filter, matched },
          },
          tx,
        );
        return id;
      });
      if (deps.startJobs ?? true) startJobs();
      return { jobId, matched };
    },

    async job(actor, serviceName, jobId) {
      const hosting = await loadVisibleHosting(hostings, actor, serviceName);
      const row = isUuid(jobId) ? await repo.job(hosting.id, jobId) : null;
      if (!row) throw new DomainError("not_found");
      return toJob(row, actor);
    },

    async jobs(actor, serviceName) {
      const hosting = await loadVisibleHosting(hostings, actor, serviceName);
      const rows = await repo.latestJobs(hosting.id, LATEST_JOBS);
      return { items: rows.map((r) => toJob(r, actor)) };
    },

    runJobs,

    async idle() {
      while (running) await running;
    },
  };
}
