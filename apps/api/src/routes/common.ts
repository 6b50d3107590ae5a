import { errorBody } from "@scripts-email/contracts";
import type { Services } from "@scripts-email/domain";
import type { ApiConfig } from "../types.ts";

export interface RouteOptions {
  services: Services;
  config: ApiConfig;
}

/** Every error answer has the one error body; documented and checked on every route. */
export const errorResponses = { "4xx": errorBody, "5xx": errorBody } as const;
