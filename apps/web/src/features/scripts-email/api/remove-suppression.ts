import { suppressionRemoveRequest } from "@scripts-email/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest, hostingPath } from "../../../lib/api-client.ts";
import { suppressionKeys } from "./get-suppressions.ts";

export interface RemoveSuppressionInput {
  address: string;
  /** Required from support (audited). */
  reason?: string | undefined;
}

export function removeSuppression(serviceName: string, input: RemoveSuppressionInput) {
  return apiRequest(
    "DELETE",
    hostingPath(serviceName, `/email/suppressions/${encodeURIComponent(input.address)}`),
    null,
    { body: suppressionRemoveRequest.parse(input.reason ? { reason: input.reason } : {}) },
  );
}

/** Removes an address from the list: mail to it is accepted again; the audit log gains it. */
export function useRemoveSuppression(serviceName: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: RemoveSuppressionInput) => removeSuppression(serviceName, input),
    async onSuccess() {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: suppressionKeys.all(serviceName) }),
        queryClient.invalidateQueries({ queryKey: ["audit"] }),
      ]);
    },
  });
}
