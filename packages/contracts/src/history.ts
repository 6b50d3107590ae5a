import { z } from "zod";

/** The most state changes one history call returns, and what it returns when not told. */
export const HISTORY_MAX = 200;

/**
 * `GET /api/hostings/{serviceName}/email/history`: newest first. Without `limit`, the latest 200
 * (as before paging existed); `before`, a change's `id`, pages on to the older ones.
 */
export const historyQuery = z.object({
  limit: z.coerce.number().int().min(1).max(HISTORY_MAX).default(HISTORY_MAX),
  before: z.uuid().optional(),
});
export type HistoryQuery = z.infer<typeof historyQuery>;
