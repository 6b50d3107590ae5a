import type { SelectionFilter } from "@scripts-email/contracts";
import { changeAndCount } from "../email/email-jobs-repository.ts";
import { isoTime } from "../hosting/hosting-repository.ts";
import { uuidV7 } from "../queue/uuid-v7.ts";
import { BaseRepository, type Tx } from "../shared/base-repository.ts";
import { selectionWhere } from "./selection-filter.ts";

export type SelectionJobAction = "release" | "delete";
export type SelectionJobState = "running" | "finished" | "failed";

export interface SelectionJobRow {
  id: string;
  hostingId: string;
  actorId: string | null;
  actorRole: "customer" | "support" | "system";
  /** The asker's e-mail address (null when the user is gone or it was the system). */
  actorEmail: string | null;
  action: SelectionJobAction;
  filter: SelectionFilter;
  reason: string | null;
  matched: number;
  done: number;
  state: SelectionJobState;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export interface NewSelectionJob {
  hostingId: string;
  actorId: string | null;
  actorRole: "customer" | "support" | "system";
  action: SelectionJobAction;
  filter: SelectionFilter;
  reason: string | null;
  matched: number;
  at: Date;
}

/** A running job, locked for one batch by the transaction that read it. */
export interface LockedSelectionJob {
  id: string;
  hostingId: string;
  action: SelectionJobAction;
  filter: SelectionFilter;
}

/** A job's batches delete or update up to thousands of rows: more than the default 10 s. */
const BATCH_TIMEOUT_MS = 60_000;

const JOB_COLUMNS = `j.id::text AS id, j."hostingId"::text AS "hostingId", j."actorId"::text AS "actorId",
  j."actorRole"::text AS "actorRole", u.email AS "actorEmail", j.action::text AS action, j.filter,
  j.reason, j.matched, j.done, j.state::text AS state, j.error,
  ${isoTime('j."createdAt"')} AS "createdAt", ${isoTime('j."finishedAt"')} AS "finishedAt"`;

/**
 * Selections of a hosting's mail (selection-filter.ts) and the jobs that release or delete them
 * in batches. Plain SQL: the filter is built as a parameterized condition.
 */
export class SelectionRepository extends BaseRepository {
  /** How many messages `filter` matches; `releasable`: of those, how many a release changes. */
  async count(
    hostingId: string,
    filter: SelectionFilter,
    options: { releasable?: boolean } = {},
  ): Promise<number> {
    const params: unknown[] = [hostingId];
    const where = selectionWhere(filter, params, options);
    const [row] = await this.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "Message" m WHERE ${where}`,
      params,
    );
    return row?.n ?? 0;
  }

  async createJob(job: NewSelectionJob, tx?: Tx): Promise<string> {
    const id = uuidV7();
    await this.sqlIn(tx).query(
      `INSERT INTO "SelectionJob" (id, "hostingId", "actorId", "actorRole", action, filter, reason,
                                   matched, "createdAt")
       VALUES ($1::uuid, $2::uuid, $3::uuid, $4::"ActorRole", $5::"SelectionAction", $6::jsonb,
               $7::text, $8::int, $9::timestamptz)`,
      [
        id,
        job.hostingId,
        job.actorId,
        job.actorRole,
        job.action,
        JSON.stringify(job.filter),
        job.reason,
        job.matched,
        job.at.toISOString(),
      ],
    );
    return id;
  }

  async job(hostingId: string, id: string): Promise<SelectionJobRow | null> {
    const [row] = await this.sql.query<SelectionJobRow>(
      `SELECT ${JOB_COLUMNS} FROM "SelectionJob" j LEFT JOIN "User" u ON u.id = j."actorId"
        WHERE j.id = $1::uuid AND j."hostingId" = $2::uuid`,
      [id, hostingId],
    );
    return row ?? null;
  }

  /** The hosting's latest jobs, newest first (its (hostingId, createdAt) index). */
  latestJobs(hostingId: string, limit: number): Promise<SelectionJobRow[]> {
    return this.sql.query<SelectionJobRow>(
      `SELECT ${JOB_COLUMNS} FROM "SelectionJob" j LEFT JOIN "User" u ON u.id = j."actorId"
        WHERE j."hostingId" = $1::uuid
        ORDER BY j."createdAt" DESC, j.id DESC
        LIMIT $2::int`,
      [hostingId, limit],
    );
  }

  /** Jobs still to run, oldest first (the state index). */
  async runningJobIds(): Promise<string[]> {
    const rows = await this.sql.query<{ id: string }>(
      `SELECT id::text AS id FROM "SelectionJob" WHERE state = 'running'
        ORDER BY "createdAt", id`,
    );
    return rows.map((r) => r.id);
  }

  /** A transaction long enough for one batch. */
  batchTransaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.transaction(fn, { timeout: BATCH_TIMEOUT_MS });
  }

  /**
   * Locks a running job for one batch, or answers null: finished, or another process is doing
   * a batch of it (skipped, not waited for, so that each process works on another job).
   */
  async lockRunningJob(tx: Tx, id: string): Promise<LockedSelectionJob | null> {
    const [row] = await this.sqlIn(tx).query<LockedSelectionJob>(
      `SELECT id::text AS id, "hostingId"::text AS "hostingId", action::text AS action, filter
         FROM "SelectionJob" WHERE id = $1::uuid AND state = 'running'
         FOR UPDATE SKIP LOCKED`,
      [id],
    );
    return row ?? null;
  }

  /**
   * Releases up to `limit` messages of the selection: held mail becomes due now, and every
   * message is marked released, so that it goes out even while the hosting is blocked or its
   * script held. Queued mail keeps its schedule; mail already released is not counted again.
   */
  async releaseBatch(tx: Tx, job: LockedSelectionJob, limit: number, now: Date): Promise<number> {
    const params: unknown[] = [job.hostingId];
    const where = selectionWhere(job.filter, params, { releasable: true });
    params.push(now.toISOString(), limit);
    const n = params.length;
    const [row] = await this.sqlIn(tx).query<{ n: number }>(
      `WITH released AS (
         UPDATE "Message" x
            SET status = 'queued', released = true, "updatedAt" = $${n - 1}::timestamptz,
                "nextAttemptAt" = CASE WHEN x.status = 'held' THEN $${n - 1}::timestamptz
                                       ELSE x."nextAttemptAt" END
          WHERE x.id IN (
            SELECT m.id FROM "Message" m
             WHERE ${where}
             LIMIT $${n}::int
             FOR UPDATE SKIP LOCKED)
         RETURNING 1)
       SELECT count(*)::int AS n FROM released`,
      params,
    );
    return row?.n ?? 0;
  }

  /**
   * Marks up to `limit` messages of the selection purged (content dropped, row kept listable
   * until retention) and counts them in the day's DailyVolume.purged.
   */
  deleteBatch(tx: Tx, job: LockedSelectionJob, limit: number, now: Date): Promise<number> {
    const params: unknown[] = [job.hostingId];
    const where = selectionWhere(job.filter, params);
    params.push(now.toISOString(), limit);
    const n = params.length;
    return changeAndCount(this.sqlIn(tx), now, "purged", {
      text: `UPDATE "Message" SET status = 'purged', raw = NULL, "updatedAt" = $${n - 1}::timestamptz
              WHERE id IN (
                SELECT m.id FROM "Message" m
                 WHERE ${where}
                 LIMIT $${n}::int
                 FOR UPDATE SKIP LOCKED)`,
      params,
    });
  }

  /** Adds a batch to the job's progress, and finishes it when `last`. */
  async progress(tx: Tx, id: string, n: number, last: boolean, now: Date): Promise<void> {
    await this.sqlIn(tx).query(
      `UPDATE "SelectionJob"
          SET done = done + $2::int,
              state = CASE WHEN $3::boolean THEN 'finished'::"JobState" ELSE state END,
              "finishedAt" = CASE WHEN $3::boolean THEN $4::timestamptz ELSE "finishedAt" END
        WHERE id = $1::uuid`,
      [id, n, last, now.toISOString()],
    );
  }

  /** Marks a running job failed; answers false when it was not running any more. */
  async fail(id: string, error: string, now: Date): Promise<boolean> {
    const rows = await this.sql.query(
      `UPDATE "SelectionJob" SET state = 'failed', error = $2::text, "finishedAt" = $3::timestamptz
        WHERE id = $1::uuid AND state = 'running'
        RETURNING 1`,
      [id, error.slice(0, 1000), now.toISOString()],
    );
    return rows.length > 0;
  }

  /**
   * Adds the outcome to the audit entry written when the job was created (found by the hosting's
   * (hostingId, at) index from the job's creation on), so that one entry says who asked, what,
   * how many matched and how many were done.
   */
  async recordOutcome(
    id: string,
    outcome: { state: SelectionJobState; error?: string },
    tx?: Tx,
  ): Promise<void> {
    await this.sqlIn(tx).query(
      `UPDATE "AuditEntry" a
          SET details = a.details || jsonb_build_object('done', j.done, 'state', $2::text)
                        || CASE WHEN $3::text IS NULL THEN '{}'::jsonb
                                ELSE jsonb_build_object('error', $3::text) END
         FROM "SelectionJob" j
        WHERE j.id = $1::uuid AND a."hostingId" = j."hostingId" AND a.at >= j."createdAt"
          AND a.action LIKE 'email.selection.%' AND a.details->>'jobId' = $1::text`,
      [id, outcome.state, outcome.error ?? null],
    );
  }
}
