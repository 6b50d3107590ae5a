import { z } from "zod";
import { actorRole, isoDateTime, singleLine } from "./common.ts";
import { blockCause, hostingState } from "./email.ts";

/** The counters' window in support's fleet view: the last hour or the last 24 hours. */
export const fleetWindow = z.enum(["1h", "24h"]);
export type FleetWindow = z.infer<typeof fleetWindow>;

/** What the fleet view sorts by (largest first; `stateChangedAt` latest first). */
export const fleetSort = z.enum([
  "sent",
  "failed",
  "spam",
  "held",
  "bounceRatio",
  "stateChangedAt",
]);
export type FleetSort = z.infer<typeof fleetSort>;

export const FLEET_PAGE_MAX = 200;

/**
 * `GET /api/hostings`. `q` (service name or owner's address), `state`, `cause`, `sort` and
 * `window` are support's fleet view; a customer's list is always their own hostings. Paged by
 * `offset` and `limit` (the table is sorted by live counters, so a cursor would not be stable).
 */
export const hostingListQuery = z.object({
  q: singleLine(254).optional(),
  state: hostingState.optional(),
  cause: blockCause.optional(),
  sort: fleetSort.optional(),
  window: fleetWindow.default("24h"),
  limit: z.coerce.number().int().min(1).max(FLEET_PAGE_MAX).default(50),
  offset: z.coerce.number().int().min(0).max(10_000).default(0),
});
export type HostingListQuery = z.infer<typeof hostingListQuery>;

/** Counters of one hosting over the window (from the hourly rollup, to the hour). */
export const windowCounters = z.object({
  accepted: z.number().int(),
  sent: z.number().int(),
  failed: z.number().int(),
  held: z.number().int(),
  spam: z.number().int(),
  refused: z.number().int(),
  /** Share of recipients that failed in the window (0–1); 0 without recipients. */
  bounceRatio: z.number(),
});
export type WindowCounters = z.infer<typeof windowCounters>;

export const hostingSummary = z.object({
  serviceName: z.string(),
  ownerEmail: z.string(),
  state: hostingState,
  /** Why it is blocked; null while active. */
  cause: blockCause.nullable(),
  createdAt: isoDateTime,
  stateChangedAt: isoDateTime,
  /** Who made the last change of state (null: never changed since creation). */
  stateChangedBy: z.object({ role: actorRole, email: z.string().nullable() }).nullable(),
  window: fleetWindow,
  counters: windowCounters,
});
export type HostingSummary = z.infer<typeof hostingSummary>;

export const hostingList = z.object({
  items: z.array(hostingSummary),
  /** How many hostings match the filters (for paging). */
  total: z.number().int(),
});
export type HostingList = z.infer<typeof hostingList>;

/** Health of a part the delivery workers call, from what every worker process recorded. */
export const componentHealth = z.object({
  /** False when the product is not set up to use it (no spam scanner URL). */
  configured: z.boolean(),
  lastSuccessAt: isoDateTime.nullable(),
  lastFailureAt: isoDateTime.nullable(),
  lastError: z.string().nullable(),
  successesLastHour: z.number().int(),
  failuresLastHour: z.number().int(),
});
export type ComponentHealth = z.infer<typeof componentHealth>;

const fleetCounters = windowCounters.omit({ bounceRatio: true });

/** `GET /api/fleet/summary` (support only; customers get 404). */
export const fleetSummary = z.object({
  at: isoDateTime,
  hostings: z.object({
    total: z.number().int(),
    byState: z.object({
      active: z.number().int(),
      blocked: z.number().int(),
      purging: z.number().int(),
    }),
    /** Blocked hostings per cause. */
    byCause: z.object({
      customer: z.number().int(),
      support: z.number().int(),
      burst: z.number().int(),
      bounce: z.number().int(),
      spam: z.number().int(),
    }),
  }),
  lastHour: fleetCounters,
  lastDay: fleetCounters,
  queue: z.object({
    queued: z.number().int(),
    held: z.number().int(),
    /** When the oldest message still waiting to be relayed was accepted (null: none). */
    oldestQueuedAt: isoDateTime.nullable(),
    oldestQueuedAgeSeconds: z.number().int().nullable(),
  }),
  relay: componentHealth,
  spamScanner: componentHealth,
});
export type FleetSummary = z.infer<typeof fleetSummary>;

/** Support's internal note on a hosting: never shown to its customer. */
export const hostingNote = z.object({
  id: z.uuid(),
  body: z.string(),
  createdAt: isoDateTime,
  author: z.object({ email: z.string().nullable() }),
});
export type HostingNote = z.infer<typeof hostingNote>;

export const hostingNoteList = z.object({ items: z.array(hostingNote) });
export type HostingNoteList = z.infer<typeof hostingNoteList>;

export const NOTE_MAX = 2000;

export const createHostingNote = z.object({
  body: z.string().trim().min(1).max(NOTE_MAX),
});
export type CreateHostingNote = z.infer<typeof createHostingNote>;

export const hostingNoteParams = z.object({
  serviceName: z.string().min(1).max(253),
  noteId: z.uuid(),
});
