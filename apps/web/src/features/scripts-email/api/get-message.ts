import { messageDetail, messageParams } from "@scripts-email/contracts";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, hostingPath } from "../../../lib/api-client.ts";
import { emailKeys } from "./email-keys.ts";

export const getMessageInput = messageParams;

export function getMessage(serviceName: string, id: string, signal?: AbortSignal) {
  const params = getMessageInput.parse({ serviceName, id });
  return api.get(
    hostingPath(params.serviceName, `/email/messages/${encodeURIComponent(params.id)}`),
    messageDetail,
    { signal },
  );
}

export const messageQueryOptions = (serviceName: string, id: string) =>
  queryOptions({
    queryKey: emailKeys.message(serviceName, id),
    queryFn: ({ signal }) => getMessage(serviceName, id, signal),
  });

export function useMessage(serviceName: string, id: string) {
  return useQuery(messageQueryOptions(serviceName, id));
}
