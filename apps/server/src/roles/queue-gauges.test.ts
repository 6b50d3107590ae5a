import { createTestDatabase, type TestDatabase } from "@scripts-email/db/testing";
import { createServices, ManualClock, type Services } from "@scripts-email/domain";
import { createQueueGauges } from "@scripts-email/mta";
import { Registry } from "prom-client";
import { afterAll, beforeAll, expect, it } from "vitest";
import { gaugeJobs } from "./scheduler-role.ts";

// The scheduler's gauges over a real database: what the operator's queue-age and protection
// alerts (deploy/prometheus/scripts-email-rules.yml) watch.
let db: TestDatabase;
let services: Services;
const clock = new ManualClock("2026-03-10T08:00:00.000Z");
const registry = new Registry();
const gauges = createQueueGauges(registry);

beforeAll(async () => {
  db = await createTestDatabase();
  services = createServices({ db, clock, mail: { burst: { limit: 0, windowMs: 60_000 } } });
  await services.users.create({
    email: "o@gauges.test",
    password: "correct horse",
    role: "customer",
  });
});
afterAll(async () => {
  await db?.dispose();
});

async function value(name: string, labels = ""): Promise<number> {
  const text = await registry.getSingleMetricAsString(name);
  const line = text.split("\n").find((l) => l.startsWith(`${name}${labels} `));
  if (!line) throw new Error(`no ${name}${labels} in:\n${text}`);
  return Number(line.split(" ")[1]);
}

async function accept(hostingId: string) {
  return services.mail.ingest.accept({
    hostingId,
    envelopeFrom: "site@gauges.test",
    recipients: ["reader@dest.test"],
    raw: Buffer.from("From: site@gauges.test\r\nSubject: hi\r\n\r\nHello.\r\n"),
    source: "smtp",
  });
}

it("shows the oldest waiting mail's age and the hostings blocked by cause", async () => {
  const [job] = gaugeJobs(services, gauges);
  await job!.run();
  expect(await value("scripts_email_queue_oldest_age_seconds")).toBe(0);
  expect(await value("scripts_email_queue_oldest_due_age_seconds")).toBe(0);
  expect(await value("scripts_email_hostings_blocked", '{cause="burst"}')).toBe(0);

  const sending = await services.hostings.create({
    serviceName: "sending.gauges.test",
    ownerEmail: "o@gauges.test",
  });
  const abusive = await services.hostings.create({
    serviceName: "abusive.gauges.test",
    ownerEmail: "o@gauges.test",
  });
  const first = await accept(sending.id);
  expect(first.status).toBe("queued");
  clock.advance(30_000);
  await accept(sending.id);
  await services.mail.protection.block(abusive.id, "burst: 1200 messages in 1 min", "burst");
  // held mail is deliberate: it never makes the queue look stuck
  expect((await accept(abusive.id)).status).toBe("held");
  clock.advance(60_000);

  expect(await job!.run()).toBe(0);
  expect(await value("scripts_email_queue_oldest_age_seconds")).toBe(90);
  expect(await value("scripts_email_queue_oldest_due_age_seconds")).toBe(90);
  expect(await value("scripts_email_hostings_blocked", '{cause="burst"}')).toBe(1);
  expect(await value("scripts_email_hostings_blocked", '{cause="bounce"}')).toBe(0);
  expect(await value("scripts_email_hostings_blocked", '{cause="customer"}')).toBe(0);

  // the first message deferred for an hour: still waiting, no longer due
  const later = new Date(clock.now().getTime() + 3_600_000).toISOString();
  await db.sql.query(`UPDATE "Message" SET "nextAttemptAt" = $2::timestamptz WHERE id = $1::uuid`, [
    first.id,
    later,
  ]);
  await job!.run();
  expect(await value("scripts_email_queue_oldest_age_seconds")).toBe(90);
  expect(await value("scripts_email_queue_oldest_due_age_seconds")).toBe(60);
});
