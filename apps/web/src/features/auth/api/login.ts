import { type LoginRequest, loginRequest, me } from "@scripts-email/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, setCsrfToken } from "../../../lib/api-client.ts";
import { meQueryKey } from "../../../lib/query-client.ts";

export const loginInput = loginRequest;
export type LoginInput = LoginRequest;

export async function login(input: LoginInput) {
  const user = await api.post("/api/session", me, loginInput.parse(input));
  setCsrfToken(user.csrfToken);
  return user;
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: login,
    onSuccess(user) {
      // a previous user's data must not show through
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== "me" });
      queryClient.setQueryData(meQueryKey, user);
    },
  });
}
