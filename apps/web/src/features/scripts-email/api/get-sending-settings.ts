import { sendingSettings } from "@scripts-email/contracts";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, hostingPath } from "../../../lib/api-client.ts";
import { emailKeys } from "./email-keys.ts";

export const sendingSettingsKey = (serviceName: string) =>
  [...emailKeys.all(serviceName), "sending-settings"] as const;

export function getSendingSettings(serviceName: string, signal?: AbortSignal) {
  return api.get(hostingPath(serviceName, "/email/sending-settings"), sendingSettings, { signal });
}

export const sendingSettingsQueryOptions = (serviceName: string) =>
  queryOptions({
    queryKey: sendingSettingsKey(serviceName),
    queryFn: ({ signal }) => getSendingSettings(serviceName, signal),
    // they change only with the installation
    staleTime: Number.POSITIVE_INFINITY,
  });

export function useSendingSettings(serviceName: string) {
  return useQuery(sendingSettingsQueryOptions(serviceName));
}
