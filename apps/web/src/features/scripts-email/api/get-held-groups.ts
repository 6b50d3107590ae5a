import { type HeldGroupsQuery, heldGroupList, heldGroupsQuery } from "@scripts-email/contracts";
import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { api, hostingPath } from "../../../lib/api-client.ts";
import { emailKeys } from "./email-keys.ts";

export const getHeldGroupsInput = heldGroupsQuery;
export type HeldGroupBy = HeldGroupsQuery["by"];

export function getHeldGroups(serviceName: string, by: HeldGroupBy, signal?: AbortSignal) {
  const query = getHeldGroupsInput.parse({ by });
  return api.get(hostingPath(serviceName, "/email/held/groups"), heldGroupList, {
    query,
    signal,
  });
}

export const heldGroupsQueryOptions = (serviceName: string, by: HeldGroupBy) =>
  queryOptions({
    queryKey: emailKeys.heldGroups(serviceName, by),
    queryFn: ({ signal }) => getHeldGroups(serviceName, by, signal),
    placeholderData: keepPreviousData,
  });

export function useHeldGroups(serviceName: string, by: HeldGroupBy) {
  return useQuery(heldGroupsQueryOptions(serviceName, by));
}
