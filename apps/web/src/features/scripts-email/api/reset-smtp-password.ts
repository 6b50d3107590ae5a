import {
  type SmtpPasswordRequest,
  smtpPasswordRequest,
  smtpPasswordReset,
} from "@scripts-email/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, hostingPath } from "../../../lib/api-client.ts";
import { hostingAuditKey } from "./get-hosting-audit.ts";

export function resetSmtpPassword(serviceName: string, input: SmtpPasswordRequest) {
  return api.post(
    hostingPath(serviceName, "/email/smtp-password"),
    smtpPasswordReset,
    smtpPasswordRequest.parse(input),
  );
}

/** The answer holds the new password: it is shown once and never cached as a query. */
export function useResetSmtpPassword(serviceName: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: SmtpPasswordRequest) => resetSmtpPassword(serviceName, input),
    async onSuccess() {
      await queryClient.invalidateQueries({ queryKey: hostingAuditKey(serviceName) });
      await queryClient.invalidateQueries({ queryKey: ["audit"] });
    },
  });
}
