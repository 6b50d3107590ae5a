import { messageBody, messageBodyQuery, messageParams } from "@scripts-email/contracts";
import { useQuery } from "@tanstack/react-query";
import { api, hostingPath } from "../../../lib/api-client.ts";

export const getMessageBodyInput = messageParams.extend(messageBodyQuery.shape);

export function getMessageBody(
  serviceName: string,
  id: string,
  reason: string | undefined,
  signal?: AbortSignal,
) {
  const params = getMessageBodyInput.parse({ serviceName, id, reason });
  return api.get(
    hostingPath(params.serviceName, `/email/messages/${encodeURIComponent(params.id)}/body`),
    messageBody,
    { query: { reason: params.reason }, signal },
  );
}

/**
 * A message's content, fetched only once asked for (`request` not null). Support's reads are
 * audited on the server, so it is fetched once per request: no retry, no refetch on focus, and
 * a key outside the hosting's `emailKeys`, which the page invalidates whenever mail moves.
 */
export function useMessageBody(
  serviceName: string,
  id: string,
  request: { reason?: string | undefined } | null,
) {
  return useQuery({
    queryKey: ["message-body", serviceName, id, request?.reason ?? null] as const,
    queryFn: ({ signal }) => getMessageBody(serviceName, id, request?.reason, signal),
    enabled: request !== null,
    retry: false,
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 0,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });
}
