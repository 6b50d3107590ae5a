import { scriptList, scriptsQuery } from "@scripts-email/contracts";
import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { api, hostingPath } from "../../../lib/api-client.ts";
import { emailKeys } from "./email-keys.ts";

/** The periods the per-script view offers, in UTC days counting today. */
export const SCRIPT_PERIODS = [1, 7, 30] as const;
export type ScriptPeriod = (typeof SCRIPT_PERIODS)[number];

export const scriptKeys = {
  all: (serviceName: string) => [...emailKeys.all(serviceName), "scripts"] as const,
  list: (serviceName: string, days: ScriptPeriod) =>
    [...scriptKeys.all(serviceName), { days }] as const,
};

export const getScriptsInput = scriptsQuery;

export function getScripts(serviceName: string, days: ScriptPeriod, signal?: AbortSignal) {
  const query = getScriptsInput.parse({ days });
  return api.get(hostingPath(serviceName, "/email/scripts"), scriptList, { query, signal });
}

export const scriptsQueryOptions = (serviceName: string, days: ScriptPeriod) =>
  queryOptions({
    queryKey: scriptKeys.list(serviceName, days),
    queryFn: ({ signal }) => getScripts(serviceName, days, signal),
  });

/** Another period keeps the current table on screen (marked busy) until its answer comes. */
export function useScripts(serviceName: string, days: ScriptPeriod) {
  return useQuery({ ...scriptsQueryOptions(serviceName, days), placeholderData: keepPreviousData });
}
