import type { RoleContext, RunningRole } from "../roles.ts";

export const SCHEDULER_INTERVAL_MS = 5_000;

/**
 * Finishes purges and releases the held mail of unblocked hostings, every few seconds. Each run
 * is safe alongside other processes doing the same; a failed run is logged and retried on the
 * next tick.
 */
export async function startSchedulerRole(
  { services, log }: RoleContext,
  intervalMs = SCHEDULER_INTERVAL_MS,
): Promise<RunningRole> {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();

  const tick = async () => {
    try {
      const purged = await services.email.runPurges();
      if (purged > 0) log.info(`scheduler: purged ${purged} held message(s)`);
    } catch (error) {
      log.error("scheduler: purge run failed", error);
    }
    if (stopped) return;
    try {
      const released = await services.email.runReleases();
      if (released > 0) log.info(`scheduler: released ${released} held message(s) for delivery`);
    } catch (error) {
      log.error("scheduler: release run failed", error);
    }
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      current = tick().finally(schedule);
    }, intervalMs);
  };

  current = tick().finally(schedule);

  return {
    name: "scheduler",
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
