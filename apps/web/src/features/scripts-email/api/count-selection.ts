import { type SelectionFilter, selectionCount, selectionRequest } from "@scripts-email/contracts";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, hostingPath } from "../../../lib/api-client.ts";
import { emailKeys } from "./email-keys.ts";

/** How many messages `filter` matches now (the `count` action: nothing changes). */
export function countSelection(serviceName: string, filter: SelectionFilter) {
  return api.post(
    hostingPath(serviceName, "/email/selection"),
    selectionCount,
    selectionRequest.parse({ filter, action: "count" }),
  );
}

/** Asked afresh each time it is shown: a confirmation must state what the server counts now. */
export const selectionCountQueryOptions = (serviceName: string, filter: SelectionFilter) =>
  queryOptions({
    queryKey: emailKeys.selectionCount(serviceName, filter),
    queryFn: () => countSelection(serviceName, filter),
    staleTime: 0,
    gcTime: 0,
  });

/** Disabled (no request) while `filter` is null. */
export function useSelectionCount(serviceName: string, filter: SelectionFilter | null) {
  return useQuery({
    ...selectionCountQueryOptions(serviceName, filter ?? {}),
    enabled: filter !== null,
  });
}
