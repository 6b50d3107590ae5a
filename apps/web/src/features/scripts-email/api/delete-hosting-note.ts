import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, hostingPath } from "../../../lib/api-client.ts";
import { hostingAuditKey } from "./get-hosting-audit.ts";
import { hostingNoteKeys } from "./get-hosting-notes.ts";

export function deleteHostingNote(serviceName: string, noteId: string) {
  return api.delete(hostingPath(serviceName, `/notes/${encodeURIComponent(noteId)}`), null);
}

/** Support only: the note leaves the list; the audit log keeps its text. */
export function useDeleteHostingNote(serviceName: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (noteId: string) => deleteHostingNote(serviceName, noteId),
    async onSuccess() {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: hostingNoteKeys.all(serviceName) }),
        queryClient.invalidateQueries({ queryKey: hostingAuditKey(serviceName) }),
        queryClient.invalidateQueries({ queryKey: ["audit"] }),
      ]);
    },
  });
}
