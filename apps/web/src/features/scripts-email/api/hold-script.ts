import {
  type HeldScriptRequest,
  heldScriptList,
  heldScriptRequest,
  type ScriptList,
} from "@scripts-email/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest, hostingPath } from "../../../lib/api-client.ts";
import { emailKeys } from "./email-keys.ts";
import { scriptKeys } from "./get-scripts.ts";

export const holdScriptInput = heldScriptRequest;
export type HoldScriptInput = HeldScriptRequest;

/** Holds `script` (PUT) or resumes it (DELETE); the answer is the hosting's held scripts. */
export function holdScriptRequest(serviceName: string, input: HoldScriptInput, hold: boolean) {
  return apiRequest(
    hold ? "PUT" : "DELETE",
    hostingPath(serviceName, "/email/scripts/held"),
    heldScriptList,
    { body: holdScriptInput.parse(input) },
  );
}

export function useHoldScript(serviceName: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: HoldScriptInput & { hold: boolean }) => {
      const { hold, ...body } = input;
      return holdScriptRequest(serviceName, body, hold);
    },
    async onSuccess({ heldScripts }) {
      // the held badges at once, then the lists, the status (it carries the held scripts) and
      // the audit log from the server
      queryClient.setQueriesData<ScriptList>({ queryKey: scriptKeys.all(serviceName) }, (list) =>
        list ? { ...list, heldScripts } : list,
      );
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: scriptKeys.all(serviceName) }),
        queryClient.invalidateQueries({ queryKey: emailKeys.status(serviceName) }),
        queryClient.invalidateQueries({ queryKey: ["audit"] }),
      ]);
    },
  });
}
