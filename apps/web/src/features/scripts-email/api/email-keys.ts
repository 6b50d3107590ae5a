import type { HeldGroupsQuery, MessageSearch, SelectionFilter } from "@scripts-email/contracts";

/** Query keys of one hosting's mail, from generic to specific: invalidate a prefix to refresh. */
export const emailKeys = {
  all: (serviceName: string) => ["hostings", serviceName, "email"] as const,
  status: (serviceName: string) => [...emailKeys.all(serviceName), "status"] as const,
  history: (serviceName: string) => [...emailKeys.all(serviceName), "history"] as const,
  volumes: (serviceName: string, days: number) =>
    [...emailKeys.all(serviceName), "volumes", { days }] as const,
  reports: (serviceName: string, limit: number) =>
    [...emailKeys.all(serviceName), "reports", { limit }] as const,
  errors: (serviceName: string, limit: number) =>
    [...emailKeys.all(serviceName), "errors", { limit }] as const,
  messages: (serviceName: string) => [...emailKeys.all(serviceName), "messages"] as const,
  messagePage: (
    serviceName: string,
    page: MessageSearch & { cursor?: string | undefined; limit: number },
  ) => [...emailKeys.messages(serviceName), page] as const,
  message: (serviceName: string, id: string) =>
    [...emailKeys.messages(serviceName), "detail", id] as const,
  heldGroups: (serviceName: string, by: HeldGroupsQuery["by"]) =>
    [...emailKeys.all(serviceName), "held-groups", { by }] as const,
  /** What a selection's filter matches now (asked afresh each time a confirmation opens). */
  selectionCount: (serviceName: string, filter: SelectionFilter) =>
    [...emailKeys.all(serviceName), "selection-count", filter] as const,
  jobs: (serviceName: string) => [...emailKeys.all(serviceName), "jobs"] as const,
  job: (serviceName: string, jobId: string) => [...emailKeys.jobs(serviceName), jobId] as const,
};
