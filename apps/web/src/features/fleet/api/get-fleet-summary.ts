import { type FleetSummary, fleetSummary } from "@scripts-email/contracts";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "../../../lib/api-client.ts";

/**
 * Support's fleet view asks for its counts and its table this often while the page is visible,
 * so that a block, a failing relay or a growing queue shows without a reload; a hidden tab asks
 * again when it is shown.
 */
export const FLEET_POLL_MS = 10_000;

export const fleetKeys = {
  summary: () => ["fleet", "summary"] as const,
};

export function getFleetSummary(signal?: AbortSignal): Promise<FleetSummary> {
  return api.get("/api/fleet/summary", fleetSummary, { signal });
}

export const fleetSummaryQueryOptions = () =>
  queryOptions({
    queryKey: fleetKeys.summary(),
    queryFn: ({ signal }) => getFleetSummary(signal),
    refetchInterval: FLEET_POLL_MS,
    refetchIntervalInBackground: false,
  });

export function useFleetSummary() {
  return useQuery(fleetSummaryQueryOptions());
}
