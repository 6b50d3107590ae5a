import type { ComponentHealth, FleetSummary } from "@scripts-email/contracts";
import type { Actor } from "../actor.ts";
import type { Clock } from "../clock.ts";
import { DomainError } from "../errors.ts";
import type { FleetSummaryRepository, HealthRow } from "./fleet-summary-repository.ts";
import { windowStart } from "./fleet-window.ts";
import { HEALTH_COMPONENTS } from "./health-components.ts";

export interface FleetService {
  /**
   * Support's summary of every hosting: states and causes, the last hour's and day's mail (to the
   * hour), the queue, the relay's and the spam scanner's health. A customer gets
   * DomainError("not_found"): the fleet does not exist for them.
   */
  summary(actor: Actor): Promise<FleetSummary>;
}

const HOUR_MS = 3_600_000;

export function createFleetService(deps: {
  fleet: FleetSummaryRepository;
  clock: Clock;
  /** When the oldest mail still waiting for the relay was accepted (the delivery service's). */
  oldestWaitingAt: () => Promise<Date | null>;
  /** A spam scanner is set up (SPAM_SCANNER_URL). */
  spamChecking: boolean;
}): FleetService {
  const { fleet, clock } = deps;
  return {
    async summary(actor) {
      if (actor.kind === "user" && actor.role !== "support") throw new DomainError("not_found");
      const now = clock.now();
      const [counts, volumes, queue, oldest, health] = await Promise.all([
        fleet.hostingCounts(),
        fleet.volumes(windowStart(now, "1h"), windowStart(now, "24h")),
        fleet.queueCounts(),
        deps.oldestWaitingAt(),
        fleet.health(new Date(now.getTime() - HOUR_MS)),
      ]);
      const byState = { active: 0, blocked: 0, purging: 0 };
      const byCause = { customer: 0, support: 0, burst: 0, bounce: 0, spam: 0 };
      for (const row of counts) {
        byState[row.state] += row.n;
        if (row.state === "blocked" && row.cause) byCause[row.cause] += row.n;
      }
      const healthOf = (component: string, configured: boolean): ComponentHealth =>
        toHealth(
          health.find((h) => h.component === component),
          configured,
        );
      return {
        at: now.toISOString(),
        hostings: {
          total: byState.active + byState.blocked + byState.purging,
          byState,
          byCause,
        },
        lastHour: volumes.hour,
        lastDay: volumes.day,
        queue: {
          queued: queue.queued,
          held: queue.held,
          oldestQueuedAt: oldest?.toISOString() ?? null,
          oldestQueuedAgeSeconds: oldest
            ? Math.max(0, Math.floor((now.getTime() - oldest.getTime()) / 1000))
            : null,
        },
        relay: healthOf(HEALTH_COMPONENTS.relay, true),
        spamScanner: healthOf(HEALTH_COMPONENTS.spamScanner, deps.spamChecking),
      };
    },
  };
}

function toHealth(row: HealthRow | undefined, configured: boolean): ComponentHealth {
  return {
    configured,
    lastSuccessAt: row?.lastSuccessAt?.toISOString() ?? null,
    lastFailureAt: row?.lastFailureAt?.toISOString() ?? null,
    lastError: row?.lastError ?? null,
    successesLastHour: row?.successesLastHour ?? 0,
    failuresLastHour: row?.failuresLastHour ?? 0,
  };
}
