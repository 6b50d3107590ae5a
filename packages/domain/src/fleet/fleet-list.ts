import type { HostingList, HostingListQuery } from "@scripts-email/contracts";
import type { Actor } from "../actor.ts";
import type { Clock } from "../clock.ts";
import type { FleetListRepository, FleetListRow } from "./fleet-list-repository.ts";
import { windowStart } from "./fleet-window.ts";

const DEFAULT_LIMIT = 50;

/**
 * `GET /api/hostings`: a customer's own hostings, or support's whole fleet, with each one's
 * state, cause, last change and counters over the window (to the hour: see fleet-window.ts).
 */
export async function fleetList(
  deps: { fleet: FleetListRepository; clock: Clock },
  actor: Actor,
  query: Partial<HostingListQuery>,
): Promise<HostingList> {
  const ownerId = actor.kind === "user" && actor.role === "customer" ? actor.userId : undefined;
  const filter = {
    ownerId,
    q: query.q?.trim() || undefined,
    state: query.state,
    cause: query.cause,
  };
  const window = query.window ?? "24h";
  const since = windowStart(deps.clock.now(), window);
  const [rows, total] = await Promise.all([
    deps.fleet.page(filter, query.sort, since, query.limit ?? DEFAULT_LIMIT, query.offset ?? 0),
    deps.fleet.count(filter),
  ]);
  return { items: rows.map((row) => toSummary(row, window)), total };
}

function toSummary(row: FleetListRow, window: "1h" | "24h"): HostingList["items"][number] {
  return {
    serviceName: row.serviceName,
    ownerEmail: row.ownerEmail,
    state: row.state,
    cause: row.cause,
    createdAt: row.createdAt.toISOString(),
    stateChangedAt: row.stateChangedAt.toISOString(),
    stateChangedBy: row.changedByRole
      ? { role: row.changedByRole, email: row.changedByEmail }
      : null,
    window,
    counters: {
      accepted: row.accepted,
      sent: row.sent,
      failed: row.failed,
      held: row.held,
      spam: row.spam,
      refused: row.refused,
      bounceRatio: row.recipients > 0 ? row.recipientsFailed / row.recipients : 0,
    },
  };
}
