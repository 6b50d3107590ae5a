import { type TestEmailRequest, testEmailRequest, testEmailResult } from "@scripts-email/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, hostingPath } from "../../../lib/api-client.ts";
import { emailKeys } from "./email-keys.ts";

export const sendTestEmailInput = testEmailRequest;
export type SendTestEmailInput = TestEmailRequest;

export function sendTestEmail(serviceName: string, input: SendTestEmailInput) {
  return api.post(
    hostingPath(serviceName, "/email/test"),
    testEmailResult,
    sendTestEmailInput.parse(input),
  );
}

export function useSendTestEmail(serviceName: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: SendTestEmailInput) => sendTestEmail(serviceName, input),
    async onSuccess() {
      // the new message shows in the lists and the counters
      await queryClient.invalidateQueries({ queryKey: emailKeys.all(serviceName) });
    },
  });
}
