import { type Me, sessionState } from "@scripts-email/contracts";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, setCsrfToken } from "../../../lib/api-client.ts";
import { meQueryKey } from "../../../lib/query-client.ts";

/**
 * The signed-in user, or null when nobody is. Asks `GET /api/session`, which answers 200 either
 * way: a signed-out page load logs no 401 in the browser's console.
 */
export async function getMe(): Promise<Me | null> {
  const { user } = await api.get("/api/session", sessionState);
  setCsrfToken(user?.csrfToken ?? null);
  return user;
}

export const meQueryOptions = () =>
  queryOptions({ queryKey: meQueryKey, queryFn: getMe, staleTime: 5 * 60_000 });

export function useMe() {
  return useQuery(meQueryOptions());
}
