import { type MessageSearch, messageListQuery, messagePage } from "@scripts-email/contracts";
import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import type { z } from "zod";
import { api, buildUrl, hostingPath } from "../../../lib/api-client.ts";
import { emailKeys } from "./email-keys.ts";

export const getMessagesInput = messageListQuery;
export type GetMessagesInput = z.input<typeof getMessagesInput>;

export const MESSAGES_PAGE_SIZE = 20;

export function getMessages(serviceName: string, input: GetMessagesInput, signal?: AbortSignal) {
  const query = getMessagesInput.parse(input);
  return api.get(hostingPath(serviceName, "/email/messages"), messagePage, { query, signal });
}

/** A page of a search: the search's filters, the cursor of the page and its size. */
export type MessagesPage = MessageSearch & { cursor?: string | undefined; limit?: number };

export const messagesQueryOptions = (serviceName: string, page: MessagesPage) => {
  const input = { ...page, limit: page.limit ?? MESSAGES_PAGE_SIZE };
  return queryOptions({
    queryKey: emailKeys.messagePage(serviceName, input),
    queryFn: ({ signal }) => getMessages(serviceName, input, signal),
    placeholderData: keepPreviousData,
  });
};

export function useMessages(serviceName: string, page: MessagesPage) {
  return useQuery(messagesQueryOptions(serviceName, page));
}

/** Where the browser downloads the search as CSV (the session cookie goes with it). */
export function messagesCsvUrl(serviceName: string, search: MessageSearch): string {
  return buildUrl(hostingPath(serviceName, "/email/messages.csv"), { ...search });
}
