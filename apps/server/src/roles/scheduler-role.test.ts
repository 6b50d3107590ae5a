import type { Services } from "@scripts-email/domain";
import { Registry } from "prom-client";
import { afterEach, expect, it, vi } from "vitest";
import type { Config } from "../config.ts";
import type { RoleContext } from "../roles.ts";
import { type CapturedRecord, captureLog } from "../testing/capture-log.ts";
import { credentialJobs, mailJobs, startSchedulerRole } from "./scheduler-role.ts";

afterEach(() => {
  vi.useRealTimers();
});

function context(email: Partial<Services["email"]>): {
  ctx: RoleContext;
  errors: () => CapturedRecord[];
} {
  const { log, records } = captureLog();
  const errors = () => records.filter((r) => r.level === "error");
  const ctx = {
    config: {} as Config,
    db: {} as RoleContext["db"],
    services: {
      email: { runHolds: async () => 0, ...email },
      clock: { now: () => new Date() },
      mail: {
        delivery: {
          expireHeld: async () => 0,
          dropOldContent: async () => 0,
          oldestWaitingAt: async () => null,
          oldestDueAt: async () => null,
        },
        protection: {
          blockedByCause: async () => ({ customer: 0, support: 0, burst: 0, bounce: 0, spam: 0 }),
        },
      },
      selection: { runJobs: async () => 0 },
      reports: { runDue: async () => 0 },
      alerts: { checkExpiringHeld: async () => 0, deliverWebhooks: async () => 0 },
      account: { pruneExpired: async () => 0 },
      suppressions: { expire: async () => 0 },
    } as unknown as Services,
    log,
    metrics: new Registry(),
    mta: {} as RoleContext["mta"],
  };
  return { ctx, errors };
}

it("runs purges and releases at once and then every interval, surviving failures, until stopped", async () => {
  vi.useFakeTimers();
  let purges = 0;
  let releases = 0;
  const { ctx, errors } = context({
    runPurges: async () => {
      purges++;
      if (purges === 2) throw new Error("database went away");
      return 0;
    },
    runReleases: async () => {
      releases++;
      return 3;
    },
  });

  const role = await startSchedulerRole(ctx, 1_000);
  await vi.advanceTimersByTimeAsync(0);
  expect([purges, releases]).toEqual([1, 1]);

  await vi.advanceTimersByTimeAsync(1_000);
  expect([purges, releases]).toEqual([2, 2]);
  expect(errors()).toMatchObject([
    { job: "purge", msg: "job run failed", err: { message: "database went away" } },
  ]);

  await vi.advanceTimersByTimeAsync(1_000);
  expect([purges, releases]).toEqual([3, 3]);

  await role.stop();
  await vi.advanceTimersByTimeAsync(10_000);
  expect([purges, releases]).toEqual([3, 3]);
});

it("waits for the run in hand when stopped", async () => {
  let finish: () => void = () => undefined;
  let finished = false;
  const { ctx } = context({
    runPurges: () =>
      new Promise<number>((resolve) => {
        finish = () => {
          finished = true;
          resolve(0);
        };
      }),
    runReleases: async () => 0,
  });
  const role = await startSchedulerRole(ctx, 1_000);
  const stopping = role.stop();
  setTimeout(() => finish(), 20);
  await stopping;
  expect(finished).toBe(true);
});

it("runs the nightly report, the expiry alerts and the alert webhooks with the mail jobs", async () => {
  const calls: string[] = [];
  const sender = async () => undefined;
  const record = (name: string, n: number) => async () => {
    calls.push(name);
    return n;
  };
  const services = {
    email: {},
    mail: {},
    reports: { runDue: record("report", 2) },
    alerts: {
      checkExpiringHeld: record("expiry-alert", 0),
      deliverWebhooks: async (send: unknown) => {
        calls.push(send === sender ? "webhooks" : "?");
        return 1;
      },
    },
    suppressions: { expire: record("suppression-expiry", 3) },
  } as unknown as Services;
  const jobs = mailJobs(services, sender);
  expect(jobs.map((j) => j.name)).toEqual([
    "purge",
    "selection",
    "hold",
    "release",
    "expiry",
    "retention",
    "report",
    "expiry-alert",
    "alert-webhooks",
    "suppression-expiry",
  ]);
  for (const job of jobs.slice(6)) await job.run();
  expect(calls).toEqual(["report", "expiry-alert", "webhooks", "suppression-expiry"]);
  expect(jobs[6]!.report(2)).toBe("queued 2 nightly error reports");
  expect(jobs[9]!.report(3)).toBe("removed 3 expired suppression list entries");
});

it("prunes expired sessions and API tokens on every tick", async () => {
  let pruned = 0;
  const { ctx, errors } = context({ runPurges: async () => 0, runReleases: async () => 0 });
  ctx.services.account.pruneExpired = async () => {
    pruned++;
    return 2;
  };
  vi.useFakeTimers();
  const role = await startSchedulerRole(ctx, 60_000);
  await vi.advanceTimersByTimeAsync(0);
  expect(pruned).toBe(1);
  await vi.advanceTimersByTimeAsync(60_000);
  await role.stop();
  expect(pruned).toBe(2);
  expect(errors()).toEqual([]);
  const [job] = credentialJobs(ctx.services);
  expect(job?.report(2)).toBe("deleted 2 expired sessions and API tokens");
});
