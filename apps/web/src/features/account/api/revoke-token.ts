import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../../../lib/api-client.ts";
import { tokenKeys } from "./get-tokens.ts";

export function revokeToken(id: string) {
  return api.delete(`/api/tokens/${encodeURIComponent(id)}`, null);
}

export function useRevokeToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: revokeToken,
    onSettled: () => queryClient.invalidateQueries({ queryKey: tokenKeys.all }),
  });
}
