import type { Clock } from "../clock.ts";
import { MAX_SCRIPT_LENGTH } from "../message/script-name.ts";
import { hourOf } from "../shared/time.ts";
import { REFUSAL_REASONS } from "./refusal-reasons.ts";
import type { RefusalCount, RefusalRepository } from "./refusal-repository.ts";

export interface RefusalService {
  /**
   * Adds submission-time refusals to their hosting's day, in one statement (the SMTP role batches
   * them: see apps/mta refusal-recorder.ts), and to the current hour's `refused` (support's fleet
   * view). Unknown reasons and counts below 1 are ignored; script names are cut as messages' are
   * (scriptOf).
   */
  record(counts: RefusalCount[]): Promise<void>;
}

const reasons = new Set<string>(REFUSAL_REASONS);

export function createRefusalService(deps: {
  repo: RefusalRepository;
  clock: Clock;
}): RefusalService {
  const { repo, clock } = deps;
  return {
    record: (counts) =>
      repo.add(
        counts
          .filter((c) => reasons.has(c.reason) && Number.isInteger(c.count) && c.count > 0)
          .map((c) => ({ ...c, script: [...c.script].slice(0, MAX_SCRIPT_LENGTH).join("") })),
        hourOf(clock.now()),
      ),
  };
}
