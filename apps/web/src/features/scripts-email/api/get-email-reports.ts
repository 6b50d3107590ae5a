import { reportSummaryList, reportsQuery } from "@scripts-email/contracts";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, hostingPath } from "../../../lib/api-client.ts";
import { emailKeys } from "./email-keys.ts";

export const getEmailReportsInput = reportsQuery;
export const REPORTS_SHOWN = 7;

export function getEmailReports(serviceName: string, limit: number, signal?: AbortSignal) {
  const query = getEmailReportsInput.parse({ limit });
  return api.get(hostingPath(serviceName, "/email/reports"), reportSummaryList, { query, signal });
}

export const emailReportsQueryOptions = (serviceName: string, limit = REPORTS_SHOWN) =>
  queryOptions({
    queryKey: emailKeys.reports(serviceName, limit),
    queryFn: ({ signal }) => getEmailReports(serviceName, limit, signal),
  });

export function useEmailReports(serviceName: string, limit = REPORTS_SHOWN) {
  return useQuery(emailReportsQueryOptions(serviceName, limit));
}
