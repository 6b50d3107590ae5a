import { deliveryErrorList, errorsQuery } from "@scripts-email/contracts";
import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { api, buildUrl, hostingPath } from "../../../lib/api-client.ts";
import { emailKeys } from "./email-keys.ts";

export const getEmailErrorsInput = errorsQuery;
export const ERROR_LIMITS = [20, 50, 100] as const;

export function getEmailErrors(serviceName: string, limit: number, signal?: AbortSignal) {
  const query = getEmailErrorsInput.parse({ limit });
  return api.get(hostingPath(serviceName, "/email/errors"), deliveryErrorList, { query, signal });
}

export const emailErrorsQueryOptions = (serviceName: string, limit = 20) =>
  queryOptions({
    queryKey: emailKeys.errors(serviceName, limit),
    queryFn: ({ signal }) => getEmailErrors(serviceName, limit, signal),
    placeholderData: keepPreviousData,
  });

export function useEmailErrors(serviceName: string, limit = 20) {
  return useQuery(emailErrorsQueryOptions(serviceName, limit));
}

/** Where the browser downloads every failed and deferred attempt as CSV. */
export function errorsCsvUrl(serviceName: string): string {
  return buildUrl(hostingPath(serviceName, "/email/errors.csv"));
}
