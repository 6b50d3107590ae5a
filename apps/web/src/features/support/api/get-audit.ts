import { auditList, auditQuery } from "@scripts-email/contracts";
import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import type { z } from "zod";
import { api } from "../../../lib/api-client.ts";

export const getAuditInput = auditQuery;
export type GetAuditInput = z.input<typeof getAuditInput>;

export function getAudit(input: GetAuditInput, signal?: AbortSignal) {
  const query = getAuditInput.parse(input);
  return api.get("/api/audit", auditList, { query, signal });
}

export const auditQueryOptions = (input: { serviceName?: string | undefined; limit: number }) =>
  queryOptions({
    queryKey: ["audit", { serviceName: input.serviceName ?? "", limit: input.limit }] as const,
    queryFn: ({ signal }) => getAudit(input, signal),
    placeholderData: keepPreviousData,
  });

export function useAudit(input: { serviceName?: string | undefined; limit: number }) {
  return useQuery(auditQueryOptions(input));
}
