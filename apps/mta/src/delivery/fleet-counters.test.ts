import { SYSTEM } from "@scripts-email/domain";
import { freePort } from "@scripts-email/harness/ports";
import { RawSmtpClient, rawMessage } from "@scripts-email/harness/smtp-client";
import {
  createIngestFixture,
  type IngestFixture,
  type TestHosting,
} from "@scripts-email/harness/smtp-fixtures";
import { startTestRelay, type TestRelay } from "@scripts-email/harness/test-relay";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RefusalRecorder } from "../smtp/refusal-recorder.ts";
import { createSmtpRelay } from "./smtp-relay.ts";
import { createSpamScanner } from "./spam-scanner.ts";
import { createDeliveryWorker } from "./worker.ts";

// Issue 17, through the real paths: mail sent over SMTP on loopback, refused at the daily limit,
// relayed by the worker to a real SMTP relay, shows in support's fleet list (HourlyVolume), and
// the worker records the relay's and the spam scanner's health (HealthMinute) for the summary.

let fx: IngestFixture;
let port: number;
let site: TestHosting;
let relay: TestRelay;
let recorder: RefusalRecorder;

beforeAll(async () => {
  fx = await createIngestFixture();
  recorder = new RefusalRecorder(fx.services.mail.refusals, new Registry(), {
    now: () => fx.clock.now(),
  });
  ({ port } = await fx.startServer({}, { refused: (r) => recorder.record(r) }));
  site = await fx.addHosting("fleet.example", { maxPerDay: 2 });
  relay = await startTestRelay();
});
afterAll(async () => {
  await relay?.close();
  await fx?.close();
});

async function send(client: RawSmtpClient, to: string[]): Promise<number | undefined> {
  await client.command("MAIL FROM:<www@fleet.example>");
  for (const rcpt of to) await client.command(`RCPT TO:<${rcpt}>`);
  await client.command("DATA");
  client.write(`${rawMessage({ From: "www@fleet.example", Subject: "hello" })}.\r\n`);
  return (await client.read())?.code;
}

const listed = async () =>
  (await fx.services.hostings.list(SYSTEM, { q: "fleet.example", window: "1h" })).items[0];

describe("the fleet's counters and health through the real paths", () => {
  it("count SMTP ingest, refusals, relayed and failed recipients, and the relay's success", async () => {
    const client = await RawSmtpClient.connect(port);
    try {
      await client.login(site.serviceName, site.password);
      expect(await send(client, ["a@dest.test", "gone+550@dest.test"])).toBe(250);
      expect(await send(client, ["b@dest.test"])).toBe(250);
      expect(await send(client, ["c@dest.test"])).toBe(452);
    } finally {
      client.close();
    }
    await recorder.flush();
    expect((await listed())?.counters).toMatchObject({ accepted: 2, refused: 1, sent: 0 });

    // a scanner that is down: mail goes out unscanned and the scanner's failure is recorded
    const worker = createDeliveryWorker(
      fx.services.mail.delivery,
      createSmtpRelay({ url: relay.url, timeoutSeconds: 5 }),
      {
        health: fx.services.mail.health,
        scanner: createSpamScanner({ url: `http://127.0.0.1:${await freePort()}`, timeoutMs: 500 }),
        scannerPauseMs: 0,
      },
    );
    expect(await worker.runOnce()).toBe(2);
    await worker.stop();
    expect(relay.received).toHaveLength(2);
    expect((await listed())?.counters).toEqual({
      accepted: 2,
      // the message with a refused recipient was sent to the other one
      sent: 2,
      failed: 0,
      held: 0,
      spam: 0,
      refused: 1,
      // one of three recipients refused with a 550
      bounceRatio: 1 / 3,
    });
    const summary = await fx.services.fleet.summary(SYSTEM);
    expect(summary.relay.lastSuccessAt).not.toBeNull();
    expect(summary.relay.lastFailureAt).toBeNull();
    expect(summary.spamScanner.lastSuccessAt).toBeNull();
    expect(summary.spamScanner.lastFailureAt).not.toBeNull();
    expect(summary.spamScanner.lastError).toBeTruthy();
    const rows = await fx.db.sql.query<{ component: string; successes: number; failures: number }>(
      `SELECT component, sum(successes)::int AS successes, sum(failures)::int AS failures
         FROM "HealthMinute" GROUP BY component ORDER BY component`,
    );
    expect(rows).toEqual([
      { component: "relay", successes: 2, failures: 0 },
      { component: "spam_scanner", successes: 0, failures: 2 },
    ]);
  });

  it("record a relay that cannot be reached as the relay's failure, with its error", async () => {
    const client = await RawSmtpClient.connect(port);
    try {
      await client.login(site.serviceName, site.password);
      // the day's limit is used: support raises it
      await fx.services.hostings.setDailyLimit(SYSTEM, site.serviceName, 10, "fleet test");
      expect(await send(client, ["d@dest.test"])).toBe(250);
    } finally {
      client.close();
    }
    const down = createDeliveryWorker(
      fx.services.mail.delivery,
      createSmtpRelay({ url: `smtp://127.0.0.1:${await freePort()}`, timeoutSeconds: 2 }),
      { health: fx.services.mail.health },
    );
    expect(await down.runOnce()).toBe(1);
    await down.stop();
    const { relay: health } = await fx.services.fleet.summary(SYSTEM);
    expect(health.lastFailureAt).not.toBeNull();
    expect(health.lastError).toMatch(/ECONNREFUSED|connect/i);
    expect(health.failuresLastHour).toBe(1);
    expect(health.successesLastHour).toBe(2);
    // deferred, not failed: nothing counted against the site
    expect((await listed())?.counters).toMatchObject({ sent: 2, failed: 0, accepted: 3 });
  });
});
