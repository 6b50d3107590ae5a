import { z } from "zod";
import { isoDateTime, singleLine } from "./common.ts";
import { hostingState } from "./email.ts";

export const hostingListQuery = z.object({ q: singleLine(254).optional() });
export type HostingListQuery = z.infer<typeof hostingListQuery>;

export const hostingSummary = z.object({
  serviceName: z.string(),
  ownerEmail: z.string(),
  state: hostingState,
  createdAt: isoDateTime,
});
export type HostingSummary = z.infer<typeof hostingSummary>;

export const hostingList = z.object({ items: z.array(hostingSummary) });
export type HostingList = z.infer<typeof hostingList>;
