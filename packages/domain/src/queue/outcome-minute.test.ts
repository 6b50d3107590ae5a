import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DAY, HOUR } from "../clock.ts";
import { createWorld, disposeWorld, resetWorld, type World } from "../shared/test-fixtures.ts";
import type { DeliveryJob, FailureKind, RecipientResult } from "./delivery-service.ts";
import { createMailPath } from "./index.ts";
import { outcomeMinuteDrift, recountOutcomes } from "./outcome-minute.ts";
import { ProtectionRepository } from "./protection-repository.ts";

// The bounce gauge reads whole minutes from OutcomeMinute, which the statement recording a
// delivery round keeps, and only the first minute of its window from the events. These tests
// record real rounds and compare the kept minutes, and the gauge, with the events themselves.

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
  // the gauge counts from the last unblock: none within these tests' windows
  await w.db.sql.query(`UPDATE "Hosting" SET "stateChangedAt" = '2026-03-01T00:00:00Z'`);
});

type Result = Pick<RecipientResult, "outcome"> & { kind?: FailureKind };

function accept(n: number, hostingId = w.hosting.id) {
  return Promise.all(
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
}

/** Records the results of claimed jobs, the i-th job answered with `results[i]`. */
function complete(jobs: DeliveryJob[], results: Result[]) {
  return w.services.mail.delivery.complete(
    jobs.map((job, i) => {
      const { outcome, kind } = results[i]!;
      const code = outcome === "delivered" ? 250 : outcome === "deferred" ? 451 : 550;
      return {
        job,
        recipients: job.recipients.map((recipient) => ({
          recipient,
          outcome,
          code,
          text: `${code} x`,
          ...(kind ? { kind } : {}),
        })),
      };
    }),
  );
}

/** Accepts one message per result, then delivers them in one round answering each with it. */
async function round(results: Result[], hostingId = w.hosting.id): Promise<void> {
  await accept(results.length, hostingId);
  const jobs = await w.services.mail.delivery.claim(results.length);
  expect(jobs).toHaveLength(results.length);
  await complete(jobs, results);
}

const times = (n: number, result: Result): Result[] => Array.from({ length: n }, () => result);

async function minutes(hostingId = w.hosting.id) {
  const rows = await w.db.sql.query<{ minute: Date; delivered: number; bounced: number }>(
    `SELECT minute, delivered, bounced FROM "OutcomeMinute"
      WHERE "hostingId" = $1::uuid ORDER BY minute`,
    [hostingId],
  );
  return rows.map((r) => ({ ...r, minute: r.minute.toISOString() }));
}

/** What the gauge counted before the rollup: every event of the window. */
async function eventCounts(hostingId: string, since: Date) {
  const [row] = await w.db.sql.query<{ delivered: number; failed: number }>(
    `SELECT count(*) FILTER (WHERE outcome = 'delivered')::int AS delivered,
            count(*) FILTER (WHERE outcome = 'failed' AND ("failureKind" = 'recipient'
                                                         OR "failureKind" IS NULL))::int AS failed
       FROM "DeliveryEvent" WHERE "hostingId" = $1::uuid AND at >= $2::timestamptz`,
    [hostingId, since.toISOString()],
  );
  return row;
}

describe("OutcomeMinute", () => {
  it("counts each minute's delivered recipients and bounces as the events do", async () => {
    w.clock.set("2026-03-10T12:00:10.000Z");
    await round([
      ...times(3, { outcome: "delivered" }),
      ...times(2, { outcome: "failed", kind: "recipient" }),
      ...times(2, { outcome: "failed", kind: "message" }),
      { outcome: "failed", kind: "relay" },
      { outcome: "failed" },
      ...times(4, { outcome: "deferred" }),
    ]);
    w.clock.set("2026-03-10T12:00:50.000Z");
    await round([{ outcome: "delivered" }, { outcome: "failed" }]);
    await round([{ outcome: "delivered" }], w.otherHosting.id);
    w.clock.set("2026-03-10T12:01:00.000Z");
    await round([{ outcome: "delivered" }, { outcome: "failed", kind: "recipient" }]);
    // only failures of other kinds, and system mail: no row for that minute
    w.clock.set("2026-03-10T12:02:30.000Z");
    await round([{ outcome: "failed", kind: "message" }, { outcome: "deferred" }]);
    await w.services.outbox.enqueue({
      to: "owner@example.org",
      from: "noreply@hoster.test",
      raw: Buffer.from("Subject: report\r\n\r\nhi\r\n"),
    });
    // (with the deferred mail, due again)
    const due = await w.services.mail.delivery.claim(10);
    expect(due.filter((job) => job.hostingId === null)).toHaveLength(1);
    await complete(
      due,
      due.map((job) => ({ outcome: job.hostingId === null ? "delivered" : "deferred" })),
    );
    expect(await minutes()).toEqual([
      // 4 delivered; 2 failures of kind recipient + 2 of no kind; message and relay kinds not
      { minute: "2026-03-10T12:00:00.000Z", delivered: 4, bounced: 4 },
      { minute: "2026-03-10T12:01:00.000Z", delivered: 1, bounced: 1 },
    ]);
    expect(await minutes(w.otherHosting.id)).toEqual([
      { minute: "2026-03-10T12:00:00.000Z", delivered: 1, bounced: 0 },
    ]);
    expect(await outcomeMinuteDrift(w.db.sql)).toEqual([]);
  });

  it("gives the gauge the events' exact counts from any start, mid-minute included", async () => {
    const at = ["12:00:00.000", "12:00:20.500", "12:00:59.999", "12:01:00.000", "12:03:30.250"];
    for (const [i, time] of at.entries()) {
      w.clock.set(`2026-03-10T${time}Z`);
      await round([
        ...times(i + 1, { outcome: "delivered" }),
        ...times(i + 2, { outcome: "failed", kind: "recipient" }),
        { outcome: "failed" },
        { outcome: "failed", kind: "relay" },
      ]);
    }
    const repo = new ProtectionRepository(w.db);
    const starts = [
      "11:30:00.000",
      "12:00:00.000",
      "12:00:00.001",
      "12:00:20.499",
      "12:00:20.500",
      "12:00:20.501",
      "12:00:59.999",
      "12:01:00.000",
      "12:01:00.001",
      "12:02:00.000",
      "12:03:30.251",
      "12:04:00.000",
    ];
    for (const start of starts) {
      const since = new Date(`2026-03-10T${start}Z`);
      const figures = await repo.recentOutcomes(w.hosting.id, since);
      expect({ start, ...figures }, start).toEqual({
        start,
        ...(await eventCounts(w.hosting.id, since)),
        relaxedUntil: null,
      });
    }
    // and the panel's status reads the same figures over its window (the last hour)
    w.clock.set("2026-03-10T13:00:20.000Z");
    const { bounce } = (await w.services.email.status(w.customer, "example.org")).protection;
    const expected = await eventCounts(w.hosting.id, new Date("2026-03-10T12:00:20.000Z"));
    expect(bounce).toMatchObject({
      failed: expected!.failed,
      recipients: expected!.failed + expected!.delivered,
    });
  });

  it("stays exact when rounds of several hostings record at once", async () => {
    w.clock.set("2026-03-10T12:00:30.000Z");
    await accept(20);
    await accept(20, w.otherHosting.id);
    const batches = [];
    for (let i = 0; i < 4; i++) batches.push(await w.services.mail.delivery.claim(10));
    const mixed = [
      ...times(5, { outcome: "delivered" }),
      ...times(3, { outcome: "failed" }),
      ...times(2, { outcome: "failed", kind: "message" }),
    ];
    await Promise.all(batches.map((jobs) => complete(jobs, mixed)));
    const both = [...(await minutes()), ...(await minutes(w.otherHosting.id))];
    expect(both.reduce((n, m) => n + m.delivered, 0)).toBe(20);
    expect(both.reduce((n, m) => n + m.bounced, 0)).toBe(12);
    expect(await outcomeMinuteDrift(w.db.sql)).toEqual([]);
  });

  it("keep the bounce window within their retention", () => {
    const bounce = { ratio: 0.5, minFailures: 20, windowMs: 47 * HOUR + 1 };
    expect(() => createMailPath({ db: w.db, bounce })).toThrow(/bounce window/);
    expect(() =>
      createMailPath({ db: w.db, bounce: { ...bounce, windowMs: 47 * HOUR } }),
    ).not.toThrow();
  });

  it("are dropped after two days by the retention job, as the other rollups", async () => {
    await round([{ outcome: "delivered" }]);
    w.clock.set("2026-03-12T11:59:00.000Z");
    await round([{ outcome: "failed" }]);
    w.clock.set("2026-03-12T12:00:30.000Z");
    await w.services.mail.delivery.dropOldContent();
    expect(await minutes()).toEqual([
      { minute: "2026-03-12T11:59:00.000Z", delivered: 0, bounced: 1 },
    ]);
    // the events stay (their messages are kept for the retention period): only the kept minutes
    // of the last two days are compared
    expect(await outcomeMinuteDrift(w.db.sql)).toHaveLength(1);
    expect(await outcomeMinuteDrift(w.db.sql, new Date(w.clock.now().getTime() - 2 * DAY))).toEqual(
      [],
    );
    await recountOutcomes(w.db.sql);
  });
});
