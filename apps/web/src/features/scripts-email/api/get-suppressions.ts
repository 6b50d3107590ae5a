import { suppressionListQuery, suppressionPage } from "@scripts-email/contracts";
import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import type { z } from "zod";
import { api, hostingPath } from "../../../lib/api-client.ts";
import { emailKeys } from "./email-keys.ts";

export const SUPPRESSIONS_PAGE_SIZE = 20;

export const getSuppressionsInput = suppressionListQuery;
export type GetSuppressionsInput = z.input<typeof getSuppressionsInput>;

export const suppressionKeys = {
  all: (serviceName: string) => [...emailKeys.all(serviceName), "suppressions"] as const,
  page: (serviceName: string, page: { q: string; cursor: string | undefined }) =>
    [...suppressionKeys.all(serviceName), page] as const,
};

export function getSuppressions(
  serviceName: string,
  input: GetSuppressionsInput,
  signal?: AbortSignal,
) {
  const query = getSuppressionsInput.parse(input);
  return api.get(hostingPath(serviceName, "/email/suppressions"), suppressionPage, {
    query,
    signal,
  });
}

export const suppressionsQueryOptions = (
  serviceName: string,
  page: { q: string; cursor: string | undefined },
) =>
  queryOptions({
    queryKey: suppressionKeys.page(serviceName, page),
    queryFn: ({ signal }) =>
      getSuppressions(
        serviceName,
        {
          ...(page.q ? { q: page.q } : {}),
          ...(page.cursor ? { cursor: page.cursor } : {}),
          limit: SUPPRESSIONS_PAGE_SIZE,
        },
        signal,
      ),
    // another search or page keeps the current list on screen (marked busy) until it comes
    placeholderData: keepPreviousData,
  });

/** A page of the hosting's suppression list, searched by part of the address. */
export function useSuppressions(
  serviceName: string,
  page: { q: string; cursor: string | undefined },
) {
  return useQuery(suppressionsQueryOptions(serviceName, page));
}
