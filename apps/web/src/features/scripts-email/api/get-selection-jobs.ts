import { type SelectionJob, selectionJob, selectionJobList } from "@scripts-email/contracts";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, hostingPath } from "../../../lib/api-client.ts";
import { emailKeys } from "./email-keys.ts";

/** A running job is asked about this often. */
export const JOB_POLL_MS = 1000;

export function getSelectionJobs(serviceName: string, signal?: AbortSignal) {
  return api.get(hostingPath(serviceName, "/email/jobs"), selectionJobList, { signal });
}

export function getSelectionJob(serviceName: string, jobId: string, signal?: AbortSignal) {
  return api.get(
    hostingPath(serviceName, `/email/jobs/${encodeURIComponent(jobId)}`),
    selectionJob,
    { signal },
  );
}

/** The latest release and delete jobs, asked again every second while one runs. */
export const selectionJobsQueryOptions = (serviceName: string) =>
  queryOptions({
    queryKey: emailKeys.jobs(serviceName),
    queryFn: ({ signal }) => getSelectionJobs(serviceName, signal),
    refetchInterval: (query) =>
      query.state.data?.items.some((job) => job.state === "running") ? JOB_POLL_MS : false,
  });

export function useSelectionJobs(serviceName: string) {
  return useQuery(selectionJobsQueryOptions(serviceName));
}

/** One job, asked again every second until it has finished or failed (or cannot be read). */
export const selectionJobQueryOptions = (serviceName: string, jobId: string) =>
  queryOptions({
    queryKey: emailKeys.job(serviceName, jobId),
    queryFn: ({ signal }) => getSelectionJob(serviceName, jobId, signal),
    staleTime: 0,
    refetchInterval: (query) =>
      query.state.status !== "error" && isRunning(query.state.data) ? JOB_POLL_MS : false,
  });

function isRunning(job: SelectionJob | undefined): boolean {
  return job === undefined || job.state === "running";
}

/** Disabled (no request) while `jobId` is null. */
export function useSelectionJob(serviceName: string, jobId: string | null) {
  return useQuery({
    ...selectionJobQueryOptions(serviceName, jobId ?? ""),
    enabled: jobId !== null,
  });
}
