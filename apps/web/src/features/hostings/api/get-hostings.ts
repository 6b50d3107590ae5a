import { hostingList, hostingListQuery } from "@scripts-email/contracts";
import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import type { z } from "zod";
import { api } from "../../../lib/api-client.ts";

export const getHostingsInput = hostingListQuery;
export type GetHostingsInput = z.input<typeof getHostingsInput>;

export function getHostings(input: GetHostingsInput, signal?: AbortSignal) {
  const query = getHostingsInput.parse(input);
  return api.get("/api/hostings", hostingList, { query, signal });
}

/**
 * `pollMs`: ask again this often while the page is visible (support's fleet view follows
 * blocks and counters as they change); a hidden tab asks again when it is shown.
 */
export const hostingsQueryOptions = (input: GetHostingsInput = {}, pollMs?: number) =>
  queryOptions({
    queryKey: ["hostings", "list", getHostingsInput.parse(input)] as const,
    queryFn: ({ signal }) => getHostings(input, signal),
    placeholderData: keepPreviousData,
    refetchInterval: pollMs ?? false,
    refetchIntervalInBackground: false,
  });

export function useHostings(input: GetHostingsInput = {}, pollMs?: number) {
  return useQuery(hostingsQueryOptions(input, pollMs));
}
