import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, setCsrfToken } from "../../../lib/api-client.ts";
import { meQueryKey } from "../../../lib/query-client.ts";
import { navigate, paths } from "../../../lib/router.tsx";

export async function logout(): Promise<void> {
  await api.delete("/api/session", null);
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: logout,
    onSettled() {
      // signed out locally even if the server could not be reached
      setCsrfToken(null);
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== "me" });
      queryClient.setQueryData(meQueryKey, null);
      navigate(paths.hostings(), { replace: true });
    },
  });
}
