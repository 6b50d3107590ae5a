import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { ErrorAlert } from "../../../components/error-message.tsx";
import { useI18n } from "../../../lib/i18n.tsx";
import { emailKeys } from "../api/email-keys.ts";
import { useSelectionJob } from "../api/get-selection-jobs.ts";
import type { SelectionKind } from "./selection-filter.ts";

/** A release or delete job the user started here, followed until it ends. */
export interface TrackedJob {
  jobId: string;
  kind: SelectionKind;
  /** From the 202 answer, until the job's own figure arrives. */
  matched: number;
  /** The mail concerned, in words. */
  target: string;
}

/** When the job has ended, everything it changed is asked again: status, messages, groups, jobs. */
function useRefreshWhenJobEnds(serviceName: string, ended: boolean) {
  const queryClient = useQueryClient();
  useEffect(() => {
    if (!ended) return;
    void queryClient.invalidateQueries({ queryKey: emailKeys.all(serviceName) });
    void queryClient.invalidateQueries({ queryKey: ["hostings", "list"] });
  }, [queryClient, serviceName, ended]);
}

/**
 * The job's progress bar, fed by asking the server every second while it runs; its outcome stays
 * shown until dismissed (or another job starts).
 */
export function JobProgress(props: {
  serviceName: string;
  job: TrackedJob;
  onDismiss: () => void;
}) {
  const { t } = useI18n();
  const { kind, target } = props.job;
  const query = useSelectionJob(props.serviceName, props.job.jobId);
  const job = query.data;
  const state = job?.state ?? "running";
  const matched = job?.matched ?? props.job.matched;
  const done = Math.min(job?.done ?? 0, matched);
  useRefreshWhenJobEnds(props.serviceName, state !== "running");

  const text =
    state === "running"
      ? t(`web.heldMail.progress.${kind}Running`, { done, count: matched })
      : state === "finished"
        ? t(`web.heldMail.progress.${kind}Finished`, { count: done })
        : t(`web.heldMail.progress.${kind}Failed`, { done, count: matched });
  const percent = matched > 0 ? Math.round((done / matched) * 100) : 100;

  return (
    <div className={`job-progress job-${state}`}>
      <div
        role="progressbar"
        aria-label={t(`web.heldMail.progress.${kind}Label`, { target })}
        aria-valuemin={0}
        aria-valuemax={matched}
        aria-valuenow={done}
        aria-valuetext={text}
        className="progress"
      >
        <div className="progress-bar" style={{ width: `${percent}%` }} />
      </div>
      <div className="inline-row wrap">
        {state === "running" && <p className="job-progress-text">{text}</p>}
        {/* present from the start, so that the end is announced; not each second's figure */}
        <div role="status" className="job-progress-text">
          {state === "finished" && text}
        </div>
        {state === "failed" && (
          <p role="alert" className="alert alert-error">
            {text}
          </p>
        )}
        {state !== "running" && (
          <button type="button" className="button button-small" onClick={props.onDismiss}>
            {t("web.common.dismiss")}
          </button>
        )}
      </div>
      <ErrorAlert error={query.error} />
    </div>
  );
}
