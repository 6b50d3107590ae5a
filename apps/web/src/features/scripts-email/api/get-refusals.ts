import { refusalList, refusalsQuery } from "@scripts-email/contracts";
import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { api, hostingPath } from "../../../lib/api-client.ts";
import type { DayPeriod } from "./day-periods.ts";
import { emailKeys } from "./email-keys.ts";

export const refusalKeys = {
  all: (serviceName: string) => [...emailKeys.all(serviceName), "refusals"] as const,
  list: (serviceName: string, days: DayPeriod) =>
    [...refusalKeys.all(serviceName), { days }] as const,
};

export const getRefusalsInput = refusalsQuery;

export function getRefusals(serviceName: string, days: DayPeriod, signal?: AbortSignal) {
  const query = getRefusalsInput.parse({ days });
  return api.get(hostingPath(serviceName, "/email/refusals"), refusalList, { query, signal });
}

export const refusalsQueryOptions = (serviceName: string, days: DayPeriod) =>
  queryOptions({
    queryKey: refusalKeys.list(serviceName, days),
    queryFn: ({ signal }) => getRefusals(serviceName, days, signal),
  });

/** Another period keeps the current list on screen (marked busy) until its answer comes. */
export function useRefusals(serviceName: string, days: DayPeriod) {
  return useQuery({
    ...refusalsQueryOptions(serviceName, days),
    placeholderData: keepPreviousData,
  });
}
