import { type DailyLimitRequest, dailyLimit, dailyLimitRequest } from "@scripts-email/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, hostingPath } from "../../../lib/api-client.ts";
import { emailKeys } from "./email-keys.ts";

export const setDailyLimitInput = dailyLimitRequest;
export type SetDailyLimitInput = DailyLimitRequest;

export function setDailyLimitRequest(serviceName: string, input: SetDailyLimitInput) {
  return api.put(
    hostingPath(serviceName, "/email/daily-limit"),
    dailyLimit,
    setDailyLimitInput.parse(input),
  );
}

/** Support only, with a reason: the status (it carries the limit) and the audit log refresh. */
export function useSetDailyLimit(serviceName: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: SetDailyLimitInput) => setDailyLimitRequest(serviceName, input),
    async onSuccess() {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: emailKeys.status(serviceName) }),
        queryClient.invalidateQueries({ queryKey: ["audit"] }),
      ]);
    },
  });
}
