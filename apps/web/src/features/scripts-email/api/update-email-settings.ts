import {
  emailStatus,
  type UpdateEmailSettings,
  updateEmailSettings,
} from "@scripts-email/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, hostingPath } from "../../../lib/api-client.ts";
import { emailKeys } from "./email-keys.ts";

export const updateEmailSettingsInput = updateEmailSettings;
export type UpdateEmailSettingsInput = UpdateEmailSettings;

export function updateEmailSettingsRequest(serviceName: string, input: UpdateEmailSettingsInput) {
  return api.put(
    hostingPath(serviceName, "/email"),
    emailStatus,
    updateEmailSettingsInput.parse(input),
  );
}

export function useUpdateEmailSettings(serviceName: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: UpdateEmailSettingsInput) => updateEmailSettingsRequest(serviceName, input),
    async onSuccess(status) {
      queryClient.setQueryData(emailKeys.status(serviceName), status);
      await queryClient.invalidateQueries({ queryKey: ["audit"] });
    },
  });
}
