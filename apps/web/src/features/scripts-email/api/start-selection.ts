import {
  type SelectionFilter,
  selectionAccepted,
  selectionRequest,
} from "@scripts-email/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, hostingPath } from "../../../lib/api-client.ts";
import { emailKeys } from "./email-keys.ts";

export interface StartSelectionInput {
  action: "release" | "delete";
  filter: SelectionFilter;
  reason?: string;
}

/** Starts a release or delete job: 202 with its id and how many messages it will handle. */
export function startSelection(serviceName: string, input: StartSelectionInput) {
  return api.post(
    hostingPath(serviceName, "/email/selection"),
    selectionAccepted,
    selectionRequest.parse(input),
  );
}

export function useStartSelection(serviceName: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: StartSelectionInput) => startSelection(serviceName, input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: emailKeys.jobs(serviceName) }),
  });
}
