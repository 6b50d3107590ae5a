import { dailyVolumeList, volumesQuery } from "@scripts-email/contracts";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, hostingPath } from "../../../lib/api-client.ts";
import { emailKeys } from "./email-keys.ts";

export const getEmailVolumesInput = volumesQuery;

export function getEmailVolumes(serviceName: string, days: number, signal?: AbortSignal) {
  const query = getEmailVolumesInput.parse({ days });
  return api.get(hostingPath(serviceName, "/email/volumes"), dailyVolumeList, { query, signal });
}

export const emailVolumesQueryOptions = (serviceName: string, days = 30) =>
  queryOptions({
    queryKey: emailKeys.volumes(serviceName, days),
    queryFn: ({ signal }) => getEmailVolumes(serviceName, days, signal),
  });

export function useEmailVolumes(serviceName: string, days = 30) {
  return useQuery(emailVolumesQueryOptions(serviceName, days));
}
