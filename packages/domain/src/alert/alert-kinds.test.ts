import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HOUR } from "../clock.ts";
import { createServices } from "../index.ts";
import { parseMail } from "../report/report-testing.ts";
import type { Services } from "../services.ts";
import { createWorld, disposeWorld, type World } from "../shared/test-fixtures.ts";
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
  await w.db.prisma.auditEntry.deleteMany();
  await w.db.prisma.hosting.updateMany({
    data: {
      state: "active",
      blockedByRole: null,
      blockCause: null,
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

const ownerSpeaks = (locale: "en" | "pt" | "fr") =>
  w.db.prisma.user.update({ where: { id: w.customer.userId }, data: { locale } });

/** Submits `n` messages; returns how many were refused (the daily limit). */
async function ingest(services: Services, n: number): Promise<number> {
  let refused = 0;
  for (let i = 0; i < n; i++) {
    await services.mail.ingest
      .accept({
        hostingId: w.hosting.id,
        envelopeFrom: "site@example.org",
        recipients: [`r${i}@dest.test`],
        raw: Buffer.from("Subject: hi\r\n\r\nhi\r\n"),
        source: "sendmail",
      })
      .catch((error: unknown) => {
        if ((error as { code?: string }).code !== "daily_limit_reached") throw error;
        refused++;
      });
  }
  await services.mail.ingest.settled();
  return refused;
}

describe("alerts of support's blocks and unblocks", () => {
  it("tells the owner of support's block once, with support's reason, in their language", async () => {
    await ownerSpeaks("pt");
    await w.services.email.request(w.support, "example.org", "block", "phishing kit in /tmp");
    const [alert, ...more] = await alerts();
    expect(more).toEqual([]);
    expect(alert).toMatchObject({ kind: "support_block", recipient: "reports@example.org" });
    const mail = parseMail(alert!.message!.raw!);
    expect(mail.subject).toBe("O envio de example.org foi bloqueado pelo suporte");
    expect(mail.parts.get("text/plain")).toContain("Motivo indicado: phishing kit in /tmp.");
  });

  it("tells of support's unblock, never of the owner's own block or unblock", async () => {
    await w.services.email.request(w.customer, "example.org", "block");
    await w.services.email.request(w.customer, "example.org", "unblock");
    expect(await alerts()).toEqual([]);

    await ownerSpeaks("fr");
    await w.services.email.request(w.support, "example.org", "block", "spam complaint");
    w.clock.advance(HOUR);
    await w.services.email.request(w.support, "example.org", "unblock", "scripts cleaned");
    const list = await alerts();
    expect(list.map((a) => a.kind)).toEqual(["support_block", "unblocked"]);
    const mail = parseMail(list[1]!.message!.raw!);
    expect(mail.subject).toBe("L’envoi de example.org est débloqué");
    expect(mail.parts.get("text/plain")).toContain(
      "Le support a débloqué l’envoi de example.org le 10 mars 2026 à 13:00 (UTC). " +
        "Sa raison : scripts cleaned.",
    );
  });
});

describe("the daily limit reached", () => {
  it("is told once per hosting and day, naming when mail is accepted again", async () => {
    await ownerSpeaks("fr");
    await w.db.prisma.hosting.update({ where: { id: w.hosting.id }, data: { maxPerDay: 5 } });
    expect(await ingest(w.services, 4)).toBe(0);
    expect((await alerts()).map((a) => a.kind)).toEqual(["daily_limit"]);
    expect(await ingest(w.services, 1)).toBe(0);
    // refused mail, and another process with no memory of it, do not tell again
    expect(await ingest(w.services, 2)).toBe(2);
    const other = createServices({ db: w.db, clock: w.clock, mail: MAIL, reports: REPORTS });
    expect(await ingest(other, 1)).toBe(1);

    const list = await alerts();
    expect(list.map((a) => [a.kind, a.occasion])).toEqual([
      ["daily_limit", "2026-03-10"],
      ["daily_limit_reached", "2026-03-10"],
    ]);
    const mail = parseMail(list[1]!.message!.raw!);
    expect(mail.subject).toBe("example.org a atteint sa limite d’envoi quotidienne");
    expect(mail.parts.get("text/plain")).toContain(
      "les 5 messages autorisés par jour ont tous été acceptés pour example.org. " +
        "Le courrier suivant est refusé jusqu’au 11 mars 2026 à 00:00 (UTC)",
    );

    w.clock.advance(24 * HOUR);
    expect(await ingest(w.services, 5)).toBe(0);
    expect((await alerts()).map((a) => `${a.kind} ${a.occasion}`)).toEqual([
      "daily_limit 2026-03-10",
      "daily_limit_reached 2026-03-10",
      "daily_limit 2026-03-11",
      "daily_limit_reached 2026-03-11",
    ]);
  });

  it("tells both, 80 % first, when one message crosses both thresholds", async () => {
    await w.db.prisma.hosting.update({ where: { id: w.hosting.id }, data: { maxPerDay: 1 } });
    // a process of its own: what it remembers telling today stays out of the other tests
    const own = createServices({ db: w.db, clock: w.clock, mail: MAIL, reports: REPORTS });
    expect(await ingest(own, 2)).toBe(1);
    const list = await alerts();
    expect(list.map((a) => a.kind)).toEqual(["daily_limit", "daily_limit_reached"]);
    expect(parseMail(list[1]!.message!.raw!).parts.get("text/plain")).toContain(
      "Today the 1 message allowed per day was accepted from example.org. " +
        "Further mail is refused until 11 March 2026 at 00:00 (UTC)",
    );
  });
});

describe("the alerts a hosting turned off", () => {
  it("are neither mailed nor posted; the choice is the owner's, audited", async () => {
    await w.db.prisma.hosting.update({
      where: { id: w.hosting.id },
      data: { alertWebhookUrl: "https://hooks.example.com/a" },
    });
    const status = await w.services.email.updateSettings(w.customer, "example.org", {
      alertsOff: ["daily_limit_reached", "support_block", "support_block"],
    });
    // each once, in the panel's order
    expect(status.alertsOff).toEqual(["support_block", "daily_limit_reached"]);
    const audit = await w.db.prisma.auditEntry.findMany({ where: { action: "email.alerts" } });
    expect(audit).toMatchObject([
      {
        actorRole: "customer",
        hostingId: w.hosting.id,
        details: { from: [], to: ["support_block", "daily_limit_reached"] },
      },
    ]);
    // the same list again changes nothing, and is not audited again
    await w.services.email.updateSettings(w.customer, "example.org", {
      alertsOff: ["support_block", "daily_limit_reached"],
    });
    expect(await w.db.prisma.auditEntry.count({ where: { action: "email.alerts" } })).toBe(1);

    await w.services.email.request(w.support, "example.org", "block", "abuse report");
    await w.services.email.request(w.support, "example.org", "unblock", "resolved");
    await w.db.prisma.hosting.update({ where: { id: w.hosting.id }, data: { maxPerDay: 2 } });
    await ingest(w.services, 3);
    expect((await alerts()).map((a) => a.kind)).toEqual(["unblocked", "daily_limit"]);
    // nothing of the kinds turned off reached the outbox
    const outbox = await w.db.prisma.message.findMany({ where: { hostingId: null } });
    expect(outbox).toHaveLength(2);

    const posted: WebhookPayload[] = [];
    await w.services.alerts.deliverWebhooks(async (_url, payload) => {
      posted.push(payload);
    });
    expect(posted.map((p) => p.kind).sort()).toEqual(["daily_limit", "unblocked"]);

    // turned on again: told again
    await w.services.email.updateSettings(w.customer, "example.org", { alertsOff: [] });
    await w.services.email.request(w.support, "example.org", "block", "second report");
    expect((await alerts()).map((a) => a.kind)).toContain("support_block");
  });

  it("the webhook's payload carries the kind and the owner's words", async () => {
    await ownerSpeaks("pt");
    await w.db.prisma.hosting.update({
      where: { id: w.hosting.id },
      data: { alertWebhookUrl: "https://hooks.example.com/a" },
    });
    await w.services.email.request(w.support, "example.org", "block", "malware");
    const posted: WebhookPayload[] = [];
    expect(
      await w.services.alerts.deliverWebhooks(async (_url, payload) => {
        posted.push(payload);
      }),
    ).toBe(1);
    expect(posted).toEqual([
      {
        kind: "support_block",
        serviceName: "example.org",
        at: "2026-03-10T12:00:00.000Z",
        details: { at: "2026-03-10T12:00:00.000Z", reason: "malware" },
        locale: "pt",
        subject: "O envio de example.org foi bloqueado pelo suporte",
        text: expect.stringContaining("Motivo indicado: malware."),
      },
    ]);
    expect(posted[0]!.text).toContain("https://panel.hoster.example/hostings/example.org");
  });
});
