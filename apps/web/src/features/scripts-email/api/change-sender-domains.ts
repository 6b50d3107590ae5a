import {
  type ChangeSenderDomains,
  changeSenderDomains,
  senderDomains,
} from "@scripts-email/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, hostingPath } from "../../../lib/api-client.ts";
import { senderDomainKeys } from "./get-sender-domains.ts";

export const changeSenderDomainsInput = changeSenderDomains;
export type ChangeSenderDomainsInput = ChangeSenderDomains;

export function changeSenderDomainsRequest(serviceName: string, input: ChangeSenderDomainsInput) {
  return api.post(
    hostingPath(serviceName, "/sender-domains"),
    senderDomains,
    changeSenderDomainsInput.parse(input),
  );
}

/** Support only: the answer is the new list; the audit log gains an entry. */
export function useChangeSenderDomains(serviceName: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: ChangeSenderDomainsInput) => changeSenderDomainsRequest(serviceName, input),
    async onSuccess(list) {
      queryClient.setQueryData(senderDomainKeys.list(serviceName), list);
      await queryClient.invalidateQueries({ queryKey: ["audit"] });
    },
  });
}
