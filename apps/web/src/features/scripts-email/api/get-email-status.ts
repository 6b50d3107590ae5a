import { type EmailStatus, emailStatus, serviceNameParams } from "@scripts-email/contracts";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, hostingPath } from "../../../lib/api-client.ts";
import { emailKeys } from "./email-keys.ts";

export const getEmailStatusInput = serviceNameParams;

/** While mail moves (a purge, released mail going out), the page asks again this often. */
export const PURGING_POLL_MS = 2500;
/**
 * Otherwise the open page still asks this often, so that a change made elsewhere (support's
 * unblock, the protection's block, another tab) shows within a few seconds. Only while the page
 * is visible: a hidden tab asks again when it is shown.
 */
export const FOLLOW_POLL_MS = 4000;

function mailMoves(status: EmailStatus | undefined): boolean {
  if (!status) return false;
  return (
    status.state === "purging" || (status.state === "active" && status.held + status.queued > 0)
  );
}

export function getEmailStatus(serviceName: string, signal?: AbortSignal): Promise<EmailStatus> {
  return api.get(hostingPath(serviceName, "/email"), emailStatus, { signal });
}

export const emailStatusQueryOptions = (serviceName: string) =>
  queryOptions({
    queryKey: emailKeys.status(serviceName),
    queryFn: ({ signal }) => getEmailStatus(serviceName, signal),
    refetchInterval: (query) => (mailMoves(query.state.data) ? PURGING_POLL_MS : FOLLOW_POLL_MS),
    refetchIntervalInBackground: false,
  });

export function useEmailStatus(serviceName: string) {
  return useQuery(emailStatusQueryOptions(serviceName));
}
