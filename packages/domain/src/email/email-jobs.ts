import { SYSTEM } from "../actor.ts";
import type { AlertSink } from "../alert/alert-service.ts";
import { purgeUnblockAlert } from "../alert/transition-alert.ts";
import type { InternalAuditService } from "../audit/audit-service.ts";
import type { Clock } from "../clock.ts";
import type { HostingRepository } from "../hosting/hosting-repository.ts";
import { TRANSITIONS } from "../hosting/hosting-state.ts";
import { utcDay } from "../shared/time.ts";
import type { EmailJobsRepository } from "./email-jobs-repository.ts";

export const DEFAULT_BATCH_SIZE = 5000;

/**
 * The two background jobs behind purge and unblock. Each works in short transactions of one
 * batch, skips rows another process holds, and re-checks the hosting's state per batch, so any
 * number of scheduler processes can run them at once.
 */
export function createEmailJobs(deps: {
  hostings: HostingRepository;
  email: EmailJobsRepository;
  clock: Clock;
  alerts?: AlertSink | undefined;
  /** Records how many messages each purge purged (email.purge_finished). */
  audit?: InternalAuditService | undefined;
}) {
  const { hostings, email, clock } = deps;

  async function finishPurge(hostingId: string): Promise<void> {
    await hostings.transaction(async (tx) => {
      const startedAt = await email.lockFinishedPurge(tx, hostingId);
      if (!startedAt) return; // not purging any more, or another process is still deleting
      const { from, to } = TRANSITIONS.purge_finished;
      const at = clock.now();
      const won = await hostings.transition(
        {
          id: hostingId,
          from,
          to,
          at,
          blockedByRole: null,
          stateReason: null,
          blockCause: null,
          unlessBlockedBySupport: false,
        },
        tx,
      );
      if (!won) return;
      await hostings.addStateChange(
        hostingId,
        { from, to, at, actorId: null, actorRole: "system", reason: null },
        tx,
      );
      await deps.audit?.record(
        {
          actor: SYSTEM,
          action: "email.purge_finished",
          hostingId,
          details: {
            startedAt: startedAt.toISOString(),
            purged: await email.purgedSince(tx, hostingId, startedAt),
          },
        },
        tx,
      );
      await deps.alerts?.raise(
        {
          kind: "purge_finished",
          hostingId,
          occasion: startedAt.toISOString(),
          details: { at: at.toISOString(), startedAt: startedAt.toISOString() },
        },
        tx,
      );
      // the purge's end unblocks the hosting: told as such too (a kind that can be turned off)
      await deps.alerts?.raise(purgeUnblockAlert(hostingId, at), tx);
    });
  }

  return {
    async runPurges(batchSize = DEFAULT_BATCH_SIZE): Promise<number> {
      let total = 0;
      for (const hostingId of await hostings.idsInState("purging")) {
        for (;;) {
          const purged = await email.purgeBatch(hostingId, batchSize, clock.now());
          if (purged === null) break;
          total += purged;
          if (purged < batchSize) break;
        }
        await finishPurge(hostingId);
      }
      return total;
    },

    async runHolds(batchSize = DEFAULT_BATCH_SIZE): Promise<number> {
      let total = 0;
      for (const hostingId of await email.hostingsWithQueuedMailToHold()) {
        for (;;) {
          const held = await email.holdBatch(hostingId, batchSize, utcDay(clock.now()));
          if (held === null) break;
          total += held;
          if (held < batchSize) break;
        }
      }
      return total;
    },

    async runReleases(batchSize = DEFAULT_BATCH_SIZE): Promise<number> {
      let total = 0;
      for (const hostingId of await email.hostingsWithHeldMail(clock.now())) {
        for (;;) {
          const released = await email.releaseBatch(hostingId, batchSize, clock.now());
          if (released === null) break;
          total += released;
          if (released < batchSize) break;
        }
      }
      return total;
    },
  };
}
