import { scriptList, scriptsQuery } from "@scripts-email/contracts";
import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { api, hostingPath } from "../../../lib/api-client.ts";
import type { DayPeriod } from "./day-periods.ts";
import { emailKeys } from "./email-keys.ts";

export const scriptKeys = {
  all: (serviceName: string) => [...emailKeys.all(serviceName), "scripts"] as const,
  list: (serviceName: string, days: DayPeriod) =>
    [...scriptKeys.all(serviceName), { days }] as const,
};

export const getScriptsInput = scriptsQuery;

export function getScripts(serviceName: string, days: DayPeriod, signal?: AbortSignal) {
  const query = getScriptsInput.parse({ days });
  return api.get(hostingPath(serviceName, "/email/scripts"), scriptList, { query, signal });
}

export const scriptsQueryOptions = (serviceName: string, days: DayPeriod) =>
  queryOptions({
    queryKey: scriptKeys.list(serviceName, days),
    queryFn: ({ signal }) => getScripts(serviceName, days, signal),
  });

/** Another period keeps the current table on screen (marked busy) until its answer comes. */
export function useScripts(serviceName: string, days: DayPeriod) {
  return useQuery({ ...scriptsQueryOptions(serviceName, days), placeholderData: keepPreviousData });
}
