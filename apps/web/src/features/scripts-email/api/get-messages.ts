import { type MessageStatus, messageListQuery, messagePage } from "@scripts-email/contracts";
import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import type { z } from "zod";
import { api, hostingPath } from "../../../lib/api-client.ts";
import { emailKeys } from "./email-keys.ts";

export const getMessagesInput = messageListQuery;
export type GetMessagesInput = z.input<typeof getMessagesInput>;

export const MESSAGES_PAGE_SIZE = 20;

export function getMessages(serviceName: string, input: GetMessagesInput, signal?: AbortSignal) {
  const query = getMessagesInput.parse(input);
  return api.get(hostingPath(serviceName, "/email/messages"), messagePage, { query, signal });
}

export const messagesQueryOptions = (
  serviceName: string,
  page: { status?: MessageStatus | undefined; cursor?: string | undefined; limit?: number },
) => {
  const input = {
    status: page.status,
    cursor: page.cursor,
    limit: page.limit ?? MESSAGES_PAGE_SIZE,
  };
  return queryOptions({
    queryKey: emailKeys.messagePage(serviceName, input),
    queryFn: ({ signal }) => getMessages(serviceName, input, signal),
    placeholderData: keepPreviousData,
  });
};

export function useMessages(
  serviceName: string,
  page: { status?: MessageStatus | undefined; cursor?: string | undefined; limit?: number },
) {
  return useQuery(messagesQueryOptions(serviceName, page));
}
