import { hostingNoteList } from "@scripts-email/contracts";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, hostingPath } from "../../../lib/api-client.ts";

/** Support's notes sit beside the hosting's mail keys: a change of mail does not refetch them. */
export const hostingNoteKeys = {
  all: (serviceName: string) => ["hostings", serviceName, "notes"] as const,
};

export function getHostingNotes(serviceName: string, signal?: AbortSignal) {
  return api.get(hostingPath(serviceName, "/notes"), hostingNoteList, { signal });
}

export const hostingNotesQueryOptions = (serviceName: string) =>
  queryOptions({
    queryKey: hostingNoteKeys.all(serviceName),
    queryFn: ({ signal }) => getHostingNotes(serviceName, signal),
  });

/** Support only (customers get 404): the newest notes, newest first. */
export function useHostingNotes(serviceName: string) {
  return useQuery(hostingNotesQueryOptions(serviceName));
}
