import { hostingList, hostingListQuery } from "@scripts-email/contracts";
import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import type { z } from "zod";
import { api } from "../../../lib/api-client.ts";

export const getHostingsInput = hostingListQuery;
export type GetHostingsInput = z.input<typeof getHostingsInput>;

export function getHostings(input: GetHostingsInput, signal?: AbortSignal) {
  const query = getHostingsInput.parse(input);
  return api.get("/api/hostings", hostingList, { query: { q: query.q }, signal });
}

export const hostingsQueryOptions = (input: GetHostingsInput = {}) =>
  queryOptions({
    queryKey: ["hostings", "list", { q: input.q ?? "" }] as const,
    queryFn: ({ signal }) => getHostings(input, signal),
    placeholderData: keepPreviousData,
  });

export function useHostings(input: GetHostingsInput = {}) {
  return useQuery(hostingsQueryOptions(input));
}
