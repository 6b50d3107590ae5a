import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM } from "../actor.ts";
import { createWorld, disposeWorld, errorCode, type World } from "../shared/test-fixtures.ts";

let w: World;

beforeAll(async () => {
  w = await createWorld({ mail: { spamChecking: true } });
});
afterAll(async () => {
  await disposeWorld(w);
});

function accept(hostingId: string) {
  return w.services.mail.ingest.accept({
    hostingId,
    envelopeFrom: "site@example.org",
    recipients: ["a@dest.test"],
    raw: Buffer.from("Subject: hi\r\n\r\nbody\r\n"),
    source: "smtp",
  });
}

describe("the fleet summary", () => {
  it("a customer gets not_found: the fleet does not exist for them", async () => {
    expect(await errorCode(w.services.fleet.summary(w.customer))).toBe("not_found");
  });

  it("counts hostings, the hour's and the day's mail, the queue and the health", async () => {
    w.clock.set("2026-03-10T09:30:00.000Z");
    await accept(w.hosting.id);
    w.clock.set("2026-03-10T12:10:00.000Z");
    await accept(w.hosting.id);
    await w.services.email.request(w.support, "other.net", "block", "abuse");
    await accept(w.otherHosting.id);
    await w.db.sql.query(
      `INSERT INTO "HourlyVolume" ("hostingId", hour, sent, failed, spam, refused)
       VALUES ($1::uuid, '2026-03-10T11:00:00Z', 5, 1, 2, 3),
              ($1::uuid, '2026-03-09T10:00:00Z', 100, 100, 100, 100)`,
      [w.hosting.id],
    );
    await w.services.mail.health.record([
      {
        component: "relay",
        minute: new Date("2026-03-10T12:09:00Z"),
        successes: 4,
        failures: 1,
        lastSuccessAt: new Date("2026-03-10T12:09:30Z"),
        lastFailureAt: new Date("2026-03-10T12:09:10Z"),
        lastError: "connect ECONNREFUSED 127.0.0.1:25",
      },
      {
        component: "relay",
        minute: new Date("2026-03-10T10:00:00Z"),
        successes: 0,
        failures: 7,
        lastSuccessAt: null,
        lastFailureAt: new Date("2026-03-10T10:00:05Z"),
        lastError: "older",
      },
    ]);
    w.clock.set("2026-03-10T12:30:00.000Z");
    const summary = await w.services.fleet.summary(w.support);
    expect(summary).toEqual({
      at: "2026-03-10T12:30:00.000Z",
      hostings: {
        total: 2,
        byState: { active: 1, blocked: 1, purging: 0 },
        byCause: { customer: 0, support: 1, burst: 0, bounce: 0, spam: 0 },
      },
      lastHour: { accepted: 2, sent: 5, failed: 1, held: 1, spam: 2, refused: 3 },
      lastDay: { accepted: 3, sent: 5, failed: 1, held: 1, spam: 2, refused: 3 },
      queue: {
        queued: 2,
        held: 1,
        oldestQueuedAt: "2026-03-10T09:30:00.000Z",
        oldestQueuedAgeSeconds: 3 * 3600,
      },
      relay: {
        configured: true,
        lastSuccessAt: "2026-03-10T12:09:30.000Z",
        lastFailureAt: "2026-03-10T12:09:10.000Z",
        lastError: "connect ECONNREFUSED 127.0.0.1:25",
        successesLastHour: 4,
        failuresLastHour: 1,
      },
      spamScanner: {
        configured: true,
        lastSuccessAt: null,
        lastFailureAt: null,
        lastError: null,
        successesLastHour: 0,
        failuresLastHour: 0,
      },
    });
    // the system (CLI, jobs) may read it too
    expect((await w.services.fleet.summary(SYSTEM)).hostings.total).toBe(2);
  });

  it("adds a second write of the same minute to its row, keeping the latest error", async () => {
    const minute = new Date("2026-03-10T12:20:00Z");
    const base = { component: "spam_scanner" as const, minute, lastSuccessAt: null };
    await w.services.mail.health.record([
      {
        ...base,
        successes: 2,
        failures: 1,
        lastFailureAt: new Date("2026-03-10T12:20:40Z"),
        lastError: "timeout",
      },
    ]);
    await w.services.mail.health.record([
      {
        ...base,
        successes: 1,
        failures: 1,
        lastFailureAt: new Date("2026-03-10T12:20:10Z"),
        lastError: "earlier",
      },
    ]);
    const { spamScanner } = await w.services.fleet.summary(w.support);
    expect(spamScanner).toMatchObject({
      successesLastHour: 3,
      failuresLastHour: 2,
      lastFailureAt: "2026-03-10T12:20:40.000Z",
      lastError: "timeout",
    });
  });
});
