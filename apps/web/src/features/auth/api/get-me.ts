import { type Me, me } from "@scripts-email/contracts";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, isApiError, setCsrfToken } from "../../../lib/api-client.ts";
import { meQueryKey } from "../../../lib/query-client.ts";

/** The signed-in user, or null when nobody is. */
export async function getMe(): Promise<Me | null> {
  try {
    const user = await api.get("/api/me", me);
    setCsrfToken(user.csrfToken);
    return user;
  } catch (error) {
    if (isApiError(error) && error.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw error;
  }
}

export const meQueryOptions = () =>
  queryOptions({ queryKey: meQueryKey, queryFn: getMe, staleTime: 5 * 60_000 });

export function useMe() {
  return useQuery(meQueryOptions());
}
