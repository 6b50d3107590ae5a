import { type CreateHostingNote, createHostingNote, hostingNote } from "@scripts-email/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, hostingPath } from "../../../lib/api-client.ts";
import { hostingAuditKey } from "./get-hosting-audit.ts";
import { hostingNoteKeys } from "./get-hosting-notes.ts";

export const addHostingNoteInput = createHostingNote;
export type AddHostingNoteInput = CreateHostingNote;

export function addHostingNote(serviceName: string, input: AddHostingNoteInput) {
  return api.post(
    hostingPath(serviceName, "/notes"),
    hostingNote,
    addHostingNoteInput.parse(input),
  );
}

/** Support only: the list and the audit logs gain the note. */
export function useAddHostingNote(serviceName: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: AddHostingNoteInput) => addHostingNote(serviceName, input),
    async onSuccess() {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: hostingNoteKeys.all(serviceName) }),
        queryClient.invalidateQueries({ queryKey: hostingAuditKey(serviceName) }),
        queryClient.invalidateQueries({ queryKey: ["audit"] }),
      ]);
    },
  });
}
