import { senderDomains, serviceNameParams } from "@scripts-email/contracts";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, hostingPath } from "../../../lib/api-client.ts";

export const getSenderDomainsInput = serviceNameParams;

/** Query keys of a hosting's sender domains (beside, not under, its mail's keys). */
export const senderDomainKeys = {
  list: (serviceName: string) => ["hostings", serviceName, "sender-domains"] as const,
};

export function getSenderDomains(serviceName: string, signal?: AbortSignal) {
  return api.get(hostingPath(serviceName, "/sender-domains"), senderDomains, { signal });
}

export const senderDomainsQueryOptions = (serviceName: string) =>
  queryOptions({
    queryKey: senderDomainKeys.list(serviceName),
    queryFn: ({ signal }) => getSenderDomains(serviceName, signal),
  });

export function useSenderDomains(serviceName: string) {
  return useQuery(senderDomainsQueryOptions(serviceName));
}
