import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DAY } from "../clock.ts";
import {
  createWorld,
  disposeWorld,
  insertMessages,
  resetWorld,
  type World,
} from "../shared/test-fixtures.ts";
import type { RecipientResult } from "./delivery-service.ts";
import { queueCountDrift } from "./queue-count.ts";

// The panel reads held and queued mail from QueueCount, which triggers on Message keep exact
// (migration queue_counts). These tests move mail through every path the product has and
// compare the kept counts with the messages after each step.

let w: World;

beforeAll(async () => {
  w = await createWorld({ mail: { burst: { limit: 0, windowMs: 60_000 } } });
});
afterAll(async () => {
  await disposeWorld(w);
});
beforeEach(async () => {
  await resetWorld(w);
  w.clock.set("2026-03-10T12:00:00.000Z");
});

const accept = (n: number, hostingId = w.hosting.id) =>
  Promise.all(
    Array.from({ length: n }, (_, i) =>
      w.services.mail.ingest.accept({
        hostingId,
        envelopeFrom: "site@example.org",
        recipients: [`r${i}@dest.test`],
        raw: Buffer.from(`Subject: m${i}\r\n\r\nhi\r\n`),
        source: "smtp",
      }),
    ),
  );

/** The page's figures, checked against the messages themselves. */
async function counts(serviceName = "example.org") {
  expect(await queueCountDrift(w.db.sql)).toEqual([]);
  const { held, queued } = await w.services.email.status(w.support, serviceName);
  return { held, queued };
}

/** Claims up to `n` and answers each job with `outcome` for all its recipients. */
async function deliver(n: number, outcome: RecipientResult["outcome"]) {
  const jobs = await w.services.mail.delivery.claim(n);
  const code = outcome === "delivered" ? 250 : outcome === "deferred" ? 451 : 550;
  await w.services.mail.delivery.complete(
    jobs.map((job) => ({
      job,
      recipients: job.recipients.map((recipient) => ({ recipient, outcome, code, text: "x" })),
    })),
  );
  return jobs.length;
}

describe("kept queue counts", () => {
  it("follow mail through ingest, delivery, hold, release, purge and expiry", async () => {
    await accept(30);
    expect(await counts()).toEqual({ held: 0, queued: 30 });

    // claimed mail still counts as queued until its result is recorded
    const claimed = await w.services.mail.delivery.claim(5);
    expect(claimed).toHaveLength(5);
    expect(await counts()).toEqual({ held: 0, queued: 30 });
    await w.services.mail.delivery.complete(
      claimed.map((job) => ({
        job,
        recipients: [{ recipient: job.recipients[0]!, outcome: "delivered", code: 250, text: "" }],
      })),
    );
    expect(await counts()).toEqual({ held: 0, queued: 25 });
    expect(await deliver(3, "failed")).toBe(3);
    expect(await deliver(4, "deferred")).toBe(4);
    expect(await counts()).toEqual({ held: 0, queued: 22 });

    // block: the hold job moves the queue; mail that arrives meanwhile is held at ingest
    await w.services.email.request(w.customer, "example.org", "block");
    await accept(4);
    expect(await w.services.email.runHolds(5)).toBe(22);
    expect(await counts()).toEqual({ held: 26, queued: 0 });

    // unblock: the release job makes held mail due again
    await w.services.email.request(w.customer, "example.org", "unblock");
    expect(await w.services.email.runReleases(7)).toBe(26);
    expect(await counts()).toEqual({ held: 0, queued: 26 });

    // block and purge: everything accepted before the purge goes
    await w.services.email.request(w.customer, "example.org", "block");
    await w.services.email.runHolds();
    await w.services.email.request(w.customer, "example.org", "purge");
    expect(await w.services.email.runPurges(10)).toBe(26);
    expect(await counts()).toEqual({ held: 0, queued: 0 });

    // held mail past its 72 hours expires
    await w.services.email.request(w.customer, "example.org", "block");
    await insertMessages(w.db, w.hosting.id, 3, {
      status: "held",
      acceptedAt: new Date(w.clock.now().getTime() - 4 * DAY),
    });
    await insertMessages(w.db, w.hosting.id, 2, { status: "held" });
    expect(await counts()).toEqual({ held: 5, queued: 0 });
    expect(await w.services.mail.delivery.expireHeld()).toBe(3);
    expect(await counts()).toEqual({ held: 2, queued: 0 });
  });

  it("stay exact when ingest, delivery, hold, release and purge run at once on one hosting", async () => {
    // Writers lock the day's counter before the queue count (see the migration): none of these
    // may fail on a deadlock, and nothing may be counted twice or missed.
    const keepAccepting = async (hostingId: string) => {
      for (let i = 0; i < 12; i++) await accept(10, hostingId);
    };
    await accept(100);
    await Promise.all([
      keepAccepting(w.hosting.id),
      keepAccepting(w.hosting.id),
      keepAccepting(w.otherHosting.id),
      (async () => {
        for (let i = 0; i < 10; i++) await deliver(15, i % 2 ? "delivered" : "deferred");
      })(),
      (async () => {
        for (let i = 0; i < 3; i++) {
          await w.services.email.request(w.customer, "example.org", "block");
          await w.services.email.runHolds(5);
          if (i === 1) {
            await w.services.email.request(w.customer, "example.org", "purge");
            await w.services.email.runPurges(5);
          } else {
            await w.services.email.request(w.customer, "example.org", "unblock");
            await w.services.email.runReleases(5);
          }
        }
      })(),
    ]);
    await w.services.email.runHolds();
    await w.services.email.runReleases();
    // counts() compares every hosting's kept counts with its messages
    expect((await counts()).held).toBe(0);
    expect(await counts("other.net")).toEqual({
      held: 0,
      queued: await w.db.prisma.message.count({
        where: { hostingId: w.otherHosting.id, status: { in: ["queued", "sending"] } },
      }),
    });
  });

  it("leave system mail out, and go with a deleted hosting", async () => {
    await w.services.outbox.enqueue({
      to: "owner@example.org",
      from: "noreply@hoster.test",
      raw: Buffer.from("Subject: report\r\n\r\nhi\r\n"),
    });
    await accept(3);
    expect(await counts()).toEqual({ held: 0, queued: 3 });
    const gone = await w.services.hostings.create({
      serviceName: "gone.example.org",
      ownerEmail: w.customer.email,
    });
    await accept(4, gone.id);
    expect(await counts("gone.example.org")).toEqual({ held: 0, queued: 4 });
    // its messages go by cascade; their trigger must not recreate the hosting's row
    await w.db.prisma.hosting.delete({ where: { id: gone.id } });
    expect(await w.db.prisma.queueCount.count({ where: { hostingId: gone.id } })).toBe(0);
    expect(await queueCountDrift(w.db.sql)).toEqual([]);
  });

  it("are rebuilt by recount_queue() after writes that bypassed the triggers", async () => {
    await accept(5);
    await w.db.sql.transaction(async (q) => {
      await q.query("SET LOCAL session_replication_role = replica");
      await q.query(`UPDATE "Message" SET status = 'held' WHERE "hostingId" = $1::uuid`, [
        w.hosting.id,
      ]);
    });
    expect(await queueCountDrift(w.db.sql)).toHaveLength(1);
    await w.db.sql.query(`SELECT "recount_queue"()`);
    expect(await counts()).toEqual({ held: 5, queued: 0 });
  });
});
