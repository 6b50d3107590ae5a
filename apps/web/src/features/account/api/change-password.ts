import { type ChangePasswordRequest, changePasswordRequest } from "@scripts-email/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../../../lib/api-client.ts";
import { sessionKeys } from "./get-sessions.ts";
import { tokenKeys } from "./get-tokens.ts";

export const changePasswordInput = changePasswordRequest;
export type ChangePasswordInput = ChangePasswordRequest;

export function changePassword(input: ChangePasswordInput) {
  return api.put("/api/me/password", null, changePasswordInput.parse(input));
}

export function useChangePassword() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: changePassword,
    // every token and every other session ended with the old password
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: tokenKeys.all });
      await queryClient.invalidateQueries({ queryKey: sessionKeys.all });
    },
  });
}
