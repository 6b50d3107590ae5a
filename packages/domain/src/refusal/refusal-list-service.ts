import type { RefusalList } from "@scripts-email/contracts";
import type { Actor } from "../actor.ts";
import { type Clock, DAY } from "../clock.ts";
import { DomainError } from "../errors.ts";
import { canSee, ownerFilterOf } from "../hosting/hosting-access.ts";
import { utcDay } from "../shared/time.ts";
import { MAX_REFUSAL_ROWS, type RefusalReadRepository } from "./refusal-read-repository.ts";

/** The periods of the refusals list, in UTC days counting today (the Refusal rows' days). */
export type RefusalDays = 1 | 7 | 30;

export interface RefusalListService {
  /**
   * The hosting's submission refusals over the last `days` UTC days, today included, per day,
   * script and reason: newest day first, then the most refused, at most 500 rows (`truncated`
   * says when more exist; `total` counts them all). Others' hostings are DomainError("not_found").
   */
  list(actor: Actor, serviceName: string, days: RefusalDays): Promise<RefusalList>;
}

export function createRefusalListService(deps: {
  refusals: RefusalReadRepository;
  clock: Clock;
}): RefusalListService {
  const { refusals, clock } = deps;
  return {
    async list(actor, serviceName, days) {
      if (days !== 1 && days !== 7 && days !== 30) {
        throw new DomainError("validation_failed", { field: "days" });
      }
      const from = new Date(utcDay(clock.now()).getTime() - (days - 1) * DAY);
      // the access check of loadVisibleHosting, with the rows in the same statement
      const found = await refusals.listOf(
        serviceName,
        ownerFilterOf(actor),
        from,
        MAX_REFUSAL_ROWS,
      );
      if (!found || !canSee(actor, found.hosting)) throw new DomainError("not_found");
      return { items: found.rows, total: found.total, truncated: found.truncated };
    },
  };
}
