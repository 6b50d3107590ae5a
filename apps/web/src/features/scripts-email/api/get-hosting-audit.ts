import { hostingAuditList } from "@scripts-email/contracts";
import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { api, hostingPath } from "../../../lib/api-client.ts";
import { emailKeys } from "./email-keys.ts";

/** Under the hosting's mail keys: refreshed with the page when something changes. */
export const hostingAuditKey = (serviceName: string) =>
  [...emailKeys.all(serviceName), "activity-log"] as const;

export function getHostingAudit(serviceName: string, limit: number, signal?: AbortSignal) {
  return api.get(hostingPath(serviceName, `/audit?limit=${limit}`), hostingAuditList, { signal });
}

export const hostingAuditQueryOptions = (serviceName: string, limit: number) =>
  queryOptions({
    queryKey: [...hostingAuditKey(serviceName), { limit }],
    queryFn: ({ signal }) => getHostingAudit(serviceName, limit, signal),
    // "More" keeps the entries shown until the longer list arrives
    placeholderData: keepPreviousData,
  });

export function useHostingAudit(serviceName: string, limit: number) {
  return useQuery(hostingAuditQueryOptions(serviceName, limit));
}
