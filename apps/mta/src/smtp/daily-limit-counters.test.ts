import { SYSTEM } from "@scripts-email/domain";
import { RawSmtpClient, rawMessage } from "@scripts-email/harness/smtp-client";
import {
  createIngestFixture,
  type IngestFixture,
  type TestHosting,
} from "@scripts-email/harness/smtp-fixtures";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RefusalRecorder } from "./refusal-recorder.ts";

// Issue 15, over a real SMTP conversation on loopback: the server answered "452 Daily sending
// limit of 50 messages reached" while the panel showed "27 of 50" (delivered mail). The status's
// acceptedToday is what the limit counts, so at the 452 it equals the limit, whatever was
// delivered; the refusal is counted in refusedToday and listed; support's new limit applies to
// the next message.

let fx: IngestFixture;
let port: number;
let site: TestHosting;
/** Not started: it writes when the test flushes it, at the fixture's clock. */
let recorder: RefusalRecorder;

beforeAll(async () => {
  fx = await createIngestFixture();
  recorder = new RefusalRecorder(fx.services.mail.refusals, new Registry(), {
    now: () => fx.clock.now(),
  });
  ({ port } = await fx.startServer({}, { refused: (r) => recorder.record(r) }));
  site = await fx.addHosting("limit.example", { maxPerDay: 3 });
});

afterAll(async () => {
  await fx?.close();
});

/** Sends one message on the logged-in session; the reply to its data (or the first refusal). */
async function send(client: RawSmtpClient, subject: string): Promise<string> {
  await client.command("MAIL FROM:<www@limit.example>");
  await client.command("RCPT TO:<reader@example.org>");
  await client.command("DATA");
  client.write(
    `${rawMessage({ From: "www@limit.example", Subject: subject, "X-PHP-Originating-Script": "1000:form.php" })}.\r\n`,
  );
  const reply = await client.read();
  return `${reply?.code} ${reply?.lines.join(" ") ?? ""}`;
}

describe("the daily limit and the counters", () => {
  it("agree: at the 452, accepted today equals the limit; the refusal is counted and listed", async () => {
    const client = await RawSmtpClient.connect(port);
    try {
      await client.login(site.serviceName, site.password);
      const replies: string[] = [];
      for (const n of [1, 2, 3, 4]) replies.push(await send(client, `message ${n}`));
      expect(replies.slice(0, 3).every((r) => r.startsWith("250"))).toBe(true);
      expect(replies[3]).toMatch(/^452 .*Daily sending limit of 3 messages reached/);

      // one of the three is delivered: "sent today" is 1, the limit still counts 3
      const [job] = await fx.services.mail.delivery.claim(1);
      await fx.services.mail.delivery.complete([
        {
          job: job!,
          recipients: [
            { recipient: "reader@example.org", outcome: "delivered", code: 250, text: "2.0.0 OK" },
          ],
        },
      ]);
      await recorder.flush();
      const status = await fx.services.email.status(SYSTEM, site.serviceName);
      expect(status).toMatchObject({
        acceptedToday: 3,
        maxPerDay: 3,
        sentToday: 1,
        refusedToday: 1,
      });
      const list = await fx.services.refusals.list(SYSTEM, site.serviceName, 1);
      expect(list.items).toEqual([
        {
          date: fx.clock.now().toISOString().slice(0, 10),
          script: "form.php",
          reason: "daily_limit",
          count: 1,
        },
      ]);

      // support raises the limit: the next message on the same session is accepted
      await fx.services.hostings.setDailyLimit(SYSTEM, site.serviceName, 4, "Ticket 15");
      expect(await send(client, "message 5")).toMatch(/^250/);
      expect(await send(client, "message 6")).toMatch(/^452/);
      await recorder.flush();
      expect(await fx.services.email.status(SYSTEM, site.serviceName)).toMatchObject({
        acceptedToday: 4,
        maxPerDay: 4,
        refusedToday: 2,
      });
    } finally {
      client.close();
    }
  });
});
