import { serviceNameParams, stateChangeList } from "@scripts-email/contracts";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, hostingPath } from "../../../lib/api-client.ts";
import { emailKeys } from "./email-keys.ts";

export const getEmailHistoryInput = serviceNameParams;

export function getEmailHistory(serviceName: string, signal?: AbortSignal) {
  return api.get(hostingPath(serviceName, "/email/history"), stateChangeList, { signal });
}

export const emailHistoryQueryOptions = (serviceName: string) =>
  queryOptions({
    queryKey: emailKeys.history(serviceName),
    queryFn: ({ signal }) => getEmailHistory(serviceName, signal),
  });

export function useEmailHistory(serviceName: string) {
  return useQuery(emailHistoryQueryOptions(serviceName));
}
