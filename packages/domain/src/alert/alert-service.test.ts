import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HOUR } from "../clock.ts";
import { createServices } from "../index.ts";
import { deliverWithFailures, parseMail } from "../report/report-testing.ts";
import type { Services } from "../services.ts";
import { createWorld, disposeWorld, insertMessages, type World } from "../shared/test-fixtures.ts";
import type { WebhookPayload } from "./alert-service.ts";

let w: World;

const MAIL = {
  bounce: { ratio: 0.5, minFailures: 3, windowMs: HOUR },
  burst: { limit: 0, windowMs: 60_000 },
};
const REPORTS = { publicUrl: "https://panel.hoster.example", from: "alerts@hoster.example" };

beforeAll(async () => {
  w = await createWorld({ mail: MAIL, reports: REPORTS });
});
afterAll(async () => {
  await disposeWorld(w);
});
beforeEach(async () => {
  await w.db.prisma.alert.deleteMany();
  await w.db.prisma.message.deleteMany();
  await w.db.prisma.dailyVolume.deleteMany();
  await w.db.prisma.hosting.updateMany({
    data: {
      state: "active",
      blockedByRole: null,
      stateReason: null,
      alertWebhookUrl: null,
      maxPerDay: 1000,
      alertsOff: [],
    },
  });
  await w.db.prisma.user.updateMany({ data: { locale: "en" } });
  w.clock.set("2026-03-10T12:00:00.000Z");
});

const alerts = () =>
  w.db.prisma.alert.findMany({ orderBy: { at: "asc" }, include: { message: true } });

async function ingest(services: Services, n: number) {
  for (let i = 0; i < n; i++) {
    await services.mail.ingest.accept({
      hostingId: w.hosting.id,
      envelopeFrom: "site@example.org",
      recipients: [`r${i}@dest.test`],
      raw: Buffer.from("Subject: hi\r\n\r\nhi\r\n"),
      source: "sendmail",
    });
  }
  // The daily-limit warning runs after the answer: tests look at it once it has run.
  await services.mail.ingest.settled();
}

describe("alerts", () => {
  it("tells the owner once when the protection blocks the hosting, not when a person does", async () => {
    await w.db.prisma.user.update({ where: { id: w.customer.userId }, data: { locale: "fr" } });
    const failures = ["a", "b", "c", "d"].map((x) => ({
      to: `${x}@dest.test`,
      code: 550,
      text: "5.1.1 unknown",
    }));
    await deliverWithFailures(w.services, w.hosting.id, failures);
    expect((await w.services.hostings.get(w.support, "example.org")).state).toBe("blocked");
    await w.services.mail.protection.checkBounces([w.hosting.id]);

    const [alert, ...more] = await alerts();
    expect(more).toEqual([]);
    expect(alert).toMatchObject({ kind: "auto_block", recipient: "reports@example.org" });
    expect(alert!.message).toMatchObject({
      hostingId: null,
      source: "system",
      recipients: ["reports@example.org"],
    });
    const mail = parseMail(alert!.message!.raw!);
    expect(mail.subject).toBe("L’envoi de example.org a été bloqué automatiquement");
    const text = mail.parts.get("text/plain")!;
    // the protection's stored English reason, told in the owner's language
    expect(text).toContain(
      "le 10 mars 2026 à 12:00 (UTC). 100 % des 4 destinataires ont échoué en 60 minutes " +
        "(la limite est de 50 %). Le nouveau courrier est retenu 72 heures",
    );
    expect(text).not.toContain("bounces:");
    expect(text).toContain("https://panel.hoster.example/hostings/example.org");

    // a block by the owner is their own doing: no alert
    await w.services.email.request(w.other, "other.net", "block");
    expect(await alerts()).toHaveLength(1);
  });

  it("words the protection's reason in Portuguese too", async () => {
    await w.db.prisma.user.update({ where: { id: w.customer.userId }, data: { locale: "pt" } });
    await deliverWithFailures(
      w.services,
      w.hosting.id,
      ["a", "b", "c"].map((x) => ({ to: `${x}@dest.test`, code: 550, text: "5.1.1 unknown" })),
    );
    const [alert] = await alerts();
    expect(alert?.kind).toBe("auto_block");
    const text = parseMail(alert!.message!.raw!).parts.get("text/plain")!;
    expect(text).toContain(
      "100% dos 3 destinatários falharam em 60 minutos (o limite é 50%). O correio novo fica retido",
    );
    expect(text).not.toContain("bounces:");
  });

  it("tells the owner once when a purge finishes", async () => {
    await w.services.email.request(w.customer, "example.org", "block");
    await insertMessages(w.db, w.hosting.id, 3, { status: "held" });
    await w.services.email.request(w.customer, "example.org", "purge");
    expect(await w.services.email.runPurges()).toBe(3);
    expect(await w.services.email.runPurges()).toBe(0);
    const list = await alerts();
    // the purge's end also unblocks: told as an unblock by the system
    expect(list.map((a) => a.kind)).toEqual(["purge_finished", "unblocked"]);
    expect(parseMail(list[0]!.message!.raw!).subject).toBe(
      "The held mail of example.org was purged",
    );
    const unblocked = parseMail(list[1]!.message!.raw!);
    expect(unblocked.subject).toBe("Sending from example.org is unblocked");
    expect(unblocked.parts.get("text/plain")).toContain(
      "was unblocked on 10 March 2026 at 12:00 (UTC), when the purge of its held mail finished.",
    );
  });

  it("tells the owner once per block when held mail is 24 hours from expiry", async () => {
    await w.services.email.request(w.customer, "example.org", "block");
    await ingest(w.services, 2);
    w.clock.advance(48 * HOUR - 60_000);
    expect(await w.services.alerts.checkExpiringHeld()).toBe(0);
    w.clock.advance(60_000);
    expect(await w.services.alerts.checkExpiringHeld()).toBe(1);
    w.clock.advance(HOUR);
    expect(await w.services.alerts.checkExpiringHeld()).toBe(0);
    const list = await alerts();
    expect(list.map((a) => a.kind)).toEqual(["expiry_soon"]);
    expect(parseMail(list[0]!.message!.raw!).parts.get("text/plain")).toContain(
      "starts to expire on 13 March 2026 at 12:00 (UTC)",
    );
  });

  it("tells the owner once a day when 80 % of the daily limit is used", async () => {
    await w.db.prisma.hosting.update({ where: { id: w.hosting.id }, data: { maxPerDay: 10 } });
    await ingest(w.services, 7);
    expect(await alerts()).toEqual([]);
    await ingest(w.services, 1);
    // another process, with no memory of it, does not tell again
    const other = createServices({ db: w.db, clock: w.clock, mail: MAIL, reports: REPORTS });
    await ingest(other, 1);
    const list = await alerts();
    expect(list.map((a) => [a.kind, a.occasion])).toEqual([["daily_limit", "2026-03-10"]]);
    expect(parseMail(list[0]!.message!.raw!).subject).toBe(
      "example.org has used 80% of its daily sending limit",
    );
    // the alert itself is not the site's mail: not counted against the limit
    const volume = await w.db.prisma.dailyVolume.findFirstOrThrow({
      where: { hostingId: w.hosting.id },
    });
    expect(volume.accepted).toBe(9);

    w.clock.advance(24 * HOUR);
    await ingest(w.services, 8);
    expect((await alerts()).map((a) => a.occasion)).toEqual(["2026-03-10", "2026-03-11"]);
  });

  it("posts to the webhook, retrying failures a bounded number of times", async () => {
    await w.db.prisma.hosting.update({
      where: { id: w.hosting.id },
      // the purge's unblock, turned off, is neither mailed nor posted
      data: { alertWebhookUrl: "https://hooks.example.com/a", alertsOff: ["unblocked"] },
    });
    await w.services.email.request(w.customer, "example.org", "block");
    await insertMessages(w.db, w.hosting.id, 1, { status: "held" });
    await w.services.email.request(w.customer, "example.org", "purge");
    await w.services.email.runPurges();

    const posted: Array<{ url: string; payload: WebhookPayload }> = [];
    let failing = true;
    const send = async (url: string, payload: WebhookPayload) => {
      if (failing) throw new Error("connect ECONNREFUSED");
      posted.push({ url, payload });
    };
    expect(await w.services.alerts.deliverWebhooks(send)).toBe(0);
    let [alert] = await alerts();
    expect(alert).toMatchObject({
      webhookStatus: "pending",
      webhookAttempts: 1,
      webhookError: "connect ECONNREFUSED",
    });
    // not again before its backoff
    expect(await w.services.alerts.deliverWebhooks(send)).toBe(0);
    expect((await alerts())[0]!.webhookAttempts).toBe(1);

    w.clock.advance(61_000);
    failing = false;
    expect(await w.services.alerts.deliverWebhooks(send)).toBe(1);
    [alert] = await alerts();
    expect(alert).toMatchObject({ webhookStatus: "delivered", webhookAttempts: 2 });
    expect(posted).toEqual([
      {
        url: "https://hooks.example.com/a",
        payload: {
          kind: "purge_finished",
          serviceName: "example.org",
          at: "2026-03-10T12:00:00.000Z",
          details: expect.objectContaining({ at: "2026-03-10T12:00:00.000Z" }),
          locale: "en",
          subject: "The held mail of example.org was purged",
          text: expect.stringContaining("https://panel.hoster.example/hostings/example.org"),
        },
      },
    ]);
    w.clock.advance(HOUR);
    expect(await w.services.alerts.deliverWebhooks(send)).toBe(0);

    // a receiver that keeps failing is given up after five attempts
    await w.db.prisma.alert.update({
      where: { id: alert!.id },
      data: { webhookStatus: "pending", webhookAttempts: 0, webhookNextAt: w.clock.now() },
    });
    failing = true;
    for (let i = 0; i < 8; i++) {
      await w.services.alerts.deliverWebhooks(send);
      w.clock.advance(4 * HOUR);
    }
    expect((await alerts())[0]).toMatchObject({ webhookStatus: "failed", webhookAttempts: 5 });
  });
});
