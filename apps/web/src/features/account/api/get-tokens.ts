import { apiTokenList } from "@scripts-email/contracts";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "../../../lib/api-client.ts";

export const tokenKeys = { all: ["tokens"] as const };

export function getTokens(signal?: AbortSignal) {
  return api.get("/api/tokens", apiTokenList, signal ? { signal } : {});
}

export const tokensQueryOptions = () =>
  queryOptions({ queryKey: tokenKeys.all, queryFn: ({ signal }) => getTokens(signal) });

export function useTokens() {
  return useQuery(tokensQueryOptions());
}
