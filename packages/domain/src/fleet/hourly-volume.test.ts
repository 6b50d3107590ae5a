import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SYSTEM } from "../actor.ts";
import { HOUR } from "../clock.ts";
import type { DeliveryJob } from "../queue/delivery-service.ts";
import { createWorld, disposeWorld, resetWorld, type World } from "../shared/test-fixtures.ts";

// The hourly counters of support's fleet view follow mail through the real statements: the
// ingest's batch, the delivery results (sent, failed, recipients, spam) and the refusals.

let w: World;

beforeAll(async () => {
  w = await createWorld();
});
afterAll(async () => {
  await disposeWorld(w);
});
beforeEach(async () => {
  await resetWorld(w);
  await w.db.sql.query(`DELETE FROM "HourlyVolume"`);
  w.clock.set("2026-03-10T12:05:00.000Z");
});

async function hours(hostingId = w.hosting.id) {
  const rows = await w.db.sql.query<Record<string, unknown>>(
    `SELECT hour, accepted, sent, failed, held, spam, refused, recipients, "recipientsFailed"
       FROM "HourlyVolume" WHERE "hostingId" = $1::uuid ORDER BY hour`,
    [hostingId],
  );
  return rows.map((r) => ({ ...r, hour: (r.hour as Date).toISOString() }));
}

function accept(recipients = ["a@dest.test"], hostingId = w.hosting.id) {
  return w.services.mail.ingest.accept({
    hostingId,
    envelopeFrom: "site@example.org",
    recipients,
    raw: Buffer.from("Subject: hi\r\n\r\nbody\r\n"),
    source: "smtp",
  });
}

const result = (job: DeliveryJob, outcome: "delivered" | "failed") =>
  job.recipients.map((recipient) => ({
    recipient,
    outcome,
    code: outcome === "delivered" ? 250 : 550,
    text: outcome === "delivered" ? "ok" : "5.1.1 no such user",
    kind: "recipient" as const,
  }));

describe("HourlyVolume", () => {
  it("counts accepted and held mail at ingest, in the hour it was accepted", async () => {
    await accept();
    await accept();
    await w.services.email.request(SYSTEM, "other.net", "block", "test");
    await accept(["x@dest.test"], w.otherHosting.id);
    w.clock.advance(HOUR);
    await accept();
    expect(await hours()).toEqual([
      expect.objectContaining({ hour: "2026-03-10T12:00:00.000Z", accepted: 2, held: 0 }),
      expect.objectContaining({ hour: "2026-03-10T13:00:00.000Z", accepted: 1, held: 0 }),
    ]);
    expect(await hours(w.otherHosting.id)).toEqual([
      expect.objectContaining({ accepted: 1, held: 1 }),
    ]);
  });

  it("counts sent and failed mail, their recipients, and spam, as results are recorded", async () => {
    const sent = await accept(["a@dest.test", "b@dest.test"]);
    const failed = await accept(["c@dest.test"]);
    const spam = await accept();
    const jobs = await w.services.mail.delivery.claim(100);
    const job = (id: string) => jobs.find((j) => j.id === id)!;
    w.clock.advance(HOUR);
    await w.services.mail.delivery.complete([
      { job: job(sent.id), recipients: result(job(sent.id), "delivered") },
      { job: job(failed.id), recipients: result(job(failed.id), "failed") },
      { job: job(spam.id), spam: { score: 15, action: "reject", symbols: [] } },
    ]);
    expect(await hours()).toEqual([
      expect.objectContaining({ hour: "2026-03-10T12:00:00.000Z", accepted: 3, sent: 0 }),
      {
        hour: "2026-03-10T13:00:00.000Z",
        accepted: 0,
        sent: 1,
        failed: 1,
        held: 1,
        spam: 1,
        refused: 0,
        recipients: 3,
        recipientsFailed: 1,
      },
    ]);
    const [listed] = (await w.services.hostings.list(w.support, { q: "example.org" })).items;
    expect(listed?.counters).toEqual({
      accepted: 3,
      sent: 1,
      failed: 1,
      held: 1,
      spam: 1,
      refused: 0,
      bounceRatio: 1 / 3,
    });
  });

  it("counts refusals in the hour they are written, by id or by service name", async () => {
    await w.services.mail.refusals.record([
      {
        hosting: { id: w.hosting.id },
        day: "2026-03-10",
        script: "a.php",
        reason: "size",
        count: 2,
      },
      {
        hosting: { serviceName: "example.org" },
        day: "2026-03-10",
        script: "smtp",
        reason: "auth",
        count: 1,
      },
      {
        hosting: { serviceName: "nobody.test" },
        day: "2026-03-10",
        script: "smtp",
        reason: "auth",
        count: 9,
      },
    ]);
    expect(await hours()).toEqual([expect.objectContaining({ refused: 3, accepted: 0 })]);
  });

  it("the retention job drops hourly counters and health minutes older than two days", async () => {
    await accept();
    await w.db.sql.query(
      `INSERT INTO "HealthMinute" (component, minute, successes) VALUES
         ('relay', '2026-03-08T11:00:00Z', 1), ('relay', '2026-03-11T13:00:00Z', 1)`,
    );
    w.clock.set("2026-03-12T12:30:00.000Z");
    await accept();
    await w.services.mail.delivery.dropOldContent();
    expect((await hours()).map((h) => h.hour)).toEqual(["2026-03-12T12:00:00.000Z"]);
    const health = await w.db.sql.query<{ minute: Date }>(`SELECT minute FROM "HealthMinute"`);
    expect(health.map((h) => h.minute.toISOString())).toEqual(["2026-03-11T13:00:00.000Z"]);
  });
});
