import { type ServerInfo, serverInfo } from "@scripts-email/contracts";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "../../../lib/api-client.ts";

export function getInfo(): Promise<ServerInfo> {
  return api.get("/api/info", serverInfo);
}

export const infoQueryOptions = () =>
  queryOptions({ queryKey: ["info"], queryFn: getInfo, staleTime: Number.POSITIVE_INFINITY });

export function useInfo() {
  return useQuery(infoQueryOptions());
}
