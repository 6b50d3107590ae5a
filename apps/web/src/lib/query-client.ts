import { QueryCache, QueryClient } from "@tanstack/react-query";
import { isApiError } from "./api-client.ts";

export const meQueryKey = ["me"] as const;

/** Client errors will not get better by asking again; network trouble and 5xx may. */
function shouldRetry(failureCount: number, error: unknown): boolean {
  if (isApiError(error) && error.status >= 400 && error.status < 500) return false;
  return failureCount < 2;
}

export function createQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError(error, query) {
        // the session ended (expired, signed out elsewhere): back to the login form
        if (isApiError(error) && error.status === 401 && query.queryKey[0] !== "me") {
          client.setQueryData(meQueryKey, null);
        }
      },
    }),
    defaultOptions: {
      queries: { retry: shouldRetry, staleTime: 10_000, refetchOnWindowFocus: true },
      mutations: { retry: false },
    },
  });
  return client;
}
