import { historyQuery, type StateChange, stateChangeList } from "@scripts-email/contracts";
import { infiniteQueryOptions, useInfiniteQuery } from "@tanstack/react-query";
import type { z } from "zod";
import { api, hostingPath } from "../../../lib/api-client.ts";
import { emailKeys } from "./email-keys.ts";

export const getEmailHistoryInput = historyQuery;
export type GetEmailHistoryInput = z.input<typeof getEmailHistoryInput>;

/** The page shows the last ten changes, then ten more each time it is asked. */
export const HISTORY_PAGE_SIZE = 10;

export function getEmailHistory(
  serviceName: string,
  input: GetEmailHistoryInput = {},
  signal?: AbortSignal,
) {
  const query = getEmailHistoryInput.parse(input);
  return api.get(hostingPath(serviceName, "/email/history"), stateChangeList, { query, signal });
}

export interface HistoryPage {
  changes: StateChange[];
  /** The `before` of the next page; null when these are the oldest. */
  nextBefore: string | null;
}

/** One page, newest first: asks for one change more to learn whether older ones are left. */
export async function getEmailHistoryPage(
  serviceName: string,
  before: string | undefined,
  signal?: AbortSignal,
): Promise<HistoryPage> {
  const rows = await getEmailHistory(
    serviceName,
    { limit: HISTORY_PAGE_SIZE + 1, ...(before ? { before } : {}) },
    signal,
  );
  const changes = rows.slice(0, HISTORY_PAGE_SIZE);
  const last = changes.at(-1);
  return { changes, nextBefore: rows.length > HISTORY_PAGE_SIZE && last ? last.id : null };
}

export const emailHistoryQueryOptions = (serviceName: string) =>
  infiniteQueryOptions({
    queryKey: emailKeys.history(serviceName),
    queryFn: ({ pageParam, signal }) => getEmailHistoryPage(serviceName, pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextBefore ?? undefined,
  });

export function useEmailHistory(serviceName: string) {
  return useInfiniteQuery(emailHistoryQueryOptions(serviceName));
}
