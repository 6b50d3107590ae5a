import { accountSessionList } from "@scripts-email/contracts";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "../../../lib/api-client.ts";

export const sessionKeys = { all: ["account", "sessions"] as const };

export function getSessions(signal?: AbortSignal) {
  return api.get("/api/account/sessions", accountSessionList, signal ? { signal } : {});
}

export const sessionsQueryOptions = () =>
  queryOptions({ queryKey: sessionKeys.all, queryFn: ({ signal }) => getSessions(signal) });

export function useSessions() {
  return useQuery(sessionsQueryOptions());
}
