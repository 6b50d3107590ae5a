import { type EmailRequest, emailRequest, emailStatus } from "@scripts-email/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, hostingPath } from "../../../lib/api-client.ts";
import { emailKeys } from "./email-keys.ts";

export const requestEmailActionInput = emailRequest;
export type RequestEmailActionInput = EmailRequest;

export function requestEmailAction(serviceName: string, input: RequestEmailActionInput) {
  return api.post(
    hostingPath(serviceName, "/email/requests"),
    emailStatus,
    requestEmailActionInput.parse(input),
  );
}

export function useRequestEmailAction(serviceName: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: RequestEmailActionInput) => requestEmailAction(serviceName, input),
    async onSuccess(status) {
      // the 202 carries the new state: show it at once, then refresh what it changed
      queryClient.setQueryData(emailKeys.status(serviceName), status);
      await Promise.all([
        queryClient.invalidateQueries({
          queryKey: emailKeys.all(serviceName),
          predicate: (q) => q.queryKey[3] !== "status",
        }),
        queryClient.invalidateQueries({ queryKey: ["hostings", "list"] }),
        queryClient.invalidateQueries({ queryKey: ["audit"] }),
      ]);
    },
  });
}
