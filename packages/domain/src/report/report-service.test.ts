import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HOUR } from "../clock.ts";
import { createServices } from "../index.ts";
import type { Services, ServicesOptions } from "../services.ts";
import { createWorld, disposeWorld, type World } from "../shared/test-fixtures.ts";
import { deliverDue, deliverWithFailures, parseMail } from "./report-testing.ts";

let w: World;

const NO_PROTECTION = {
  bounce: { ratio: 0, minFailures: 1, windowMs: HOUR },
  burst: { limit: 0, windowMs: 60_000 },
};
const REPORTS = {
  time: "02:00",
  timeZone: "UTC",
  catchUpDays: 3,
  publicUrl: "https://panel.hoster.example",
  from: "reports@hoster.example",
};

/** A fresh process's services (its own in-memory state) over the test database. */
function servicesWith(options: Partial<ServicesOptions> = {}): Services {
  return createServices({
    db: w.db,
    clock: w.clock,
    mail: NO_PROTECTION,
    ...options,
    reports: { ...REPORTS, ...options.reports },
  });
}

beforeAll(async () => {
  w = await createWorld({ mail: NO_PROTECTION, reports: REPORTS });
});
afterAll(async () => {
  await disposeWorld(w);
});
beforeEach(async () => {
  await w.db.prisma.reportRun.deleteMany();
  await w.db.prisma.alert.deleteMany();
  await w.db.prisma.message.deleteMany();
  await w.db.prisma.dailyVolume.deleteMany();
  await w.db.prisma.hosting.update({
    where: { id: w.hosting.id },
    data: { reportRecipient: "reports@example.org" },
  });
  await w.db.prisma.user.updateMany({ data: { locale: "en" } });
});

async function errorsOn(day: string, services: Services = w.services, hostingId = w.hosting.id) {
  w.clock.set(`${day}T09:15:00.000Z`);
  await deliverWithFailures(services, hostingId, [
    { to: "gone1@dest.test", code: 550, text: "5.1.1 <gone1@dest.test>: user unknown" },
  ]);
}

const systemMessages = () =>
  w.db.prisma.message.findMany({ where: { source: "system" }, orderBy: { acceptedAt: "asc" } });
const runs = () => w.db.prisma.reportRun.findMany({ orderBy: [{ day: "asc" }] });

describe("the nightly report", () => {
  it("sends one report for a day with errors, with the right content, through the delivery path", async () => {
    const h = w.hosting.id;
    w.clock.set("2026-03-09T08:00:00.000Z");
    await deliverWithFailures(w.services, h, [
      { to: "a@dest.test", code: 550, text: "5.1.1 user unknown" },
      { to: "b@dest.test", code: 550, text: "5.1.1 user unknown" },
    ]);
    w.clock.set("2026-03-09T15:30:00.000Z");
    await deliverWithFailures(w.services, h, [
      { to: "c@dest.test", code: 550, text: "5.1.1 user unknown" },
      { to: "evil@dest.test", code: 554, text: "<script>alert('x')</script> & rejected" },
      { to: "later@dest.test", code: 451, text: "try later", outcome: "deferred" },
    ]);
    // the days around it do not count
    w.clock.set("2026-03-08T23:59:00.000Z");
    await deliverWithFailures(w.services, h, [{ to: "old@dest.test", code: 550, text: "old" }]);
    w.clock.set("2026-03-10T00:30:00.000Z");
    await deliverWithFailures(w.services, h, [{ to: "new@dest.test", code: 550, text: "new" }]);

    // before the report time: nothing for the 9th yet (the 8th is due, and has its error)
    w.clock.set("2026-03-10T01:59:00.000Z");
    const early = servicesWith();
    expect(await early.reports.runDue()).toBe(1);
    expect((await runs()).map((r) => r.day.toISOString().slice(0, 10))).toEqual(["2026-03-08"]);

    w.clock.set("2026-03-10T02:00:00.000Z");
    expect(await early.reports.runDue()).toBe(1);
    expect(await early.reports.runDue()).toBe(0);
    const all = await runs();
    expect(all).toHaveLength(2);
    const run = all[1]!;
    expect(run).toMatchObject({
      hostingId: h,
      recipient: "reports@example.org",
      errorCount: 4,
    });
    expect(run.day.toISOString()).toBe("2026-03-09T00:00:00.000Z");

    const message = await w.db.prisma.message.findUniqueOrThrow({ where: { id: run.messageId! } });
    expect(message).toMatchObject({
      hostingId: null,
      source: "system",
      status: "queued",
      recipients: ["reports@example.org"],
      envelopeFrom: "reports@hoster.example",
    });

    const mail = parseMail(message.raw!);
    expect(mail.subject).toBe("Delivery errors of example.org on 9 March 2026: 4");
    // nodemailer writes a mailbox without a display name bare (RFC 5322 addr-spec)
    expect(mail.headers.get("to")).toBe("reports@example.org");
    expect(mail.contentType).toMatch(/^multipart\/alternative; boundary=/);
    const text = mail.parts.get("text/plain")!;
    const html = mail.parts.get("text/html")!;
    expect(text).toContain("On 9 March 2026 (UTC), 4 delivery errors occurred");
    // one cause, three recipients: one row with the count
    expect(text).toContain(
      "- 08:00–15:30  a@dest.test, b@dest.test, c@dest.test  550  5.1.1 user unknown  (×3)",
    );
    expect(text).toContain("- 15:30  evil@dest.test  554  <script>alert('x')</script> & rejected");
    expect(text).not.toContain("later@dest.test");
    expect(text).not.toContain("old@dest.test");
    expect(text).toContain("What to do next");
    expect(text).toContain("https://panel.hoster.example/hostings/example.org");
    expect(html).toContain("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; rejected");
    expect(html).not.toContain("<script>");
    expect(html).toContain('<a href="https://panel.hoster.example/hostings/example.org">');
    expect(html.match(/<tr>/g)).toHaveLength(3); // header + 2 grouped rows

    // the report goes out like any mail, but is not the site's mail
    const sentBefore = await w.db.prisma.dailyVolume.aggregate({
      where: { hostingId: h },
      _sum: { sent: true },
    });
    w.clock.set("2026-03-10T02:00:05.000Z");
    expect(await deliverDue(w.services)).toBeGreaterThanOrEqual(2);
    const sentAfter = await w.db.prisma.dailyVolume.aggregate({
      where: { hostingId: h },
      _sum: { sent: true },
    });
    expect(sentAfter._sum.sent).toBe(sentBefore._sum.sent);
    expect(await w.services.reports.list(w.customer, "example.org", 10)).toEqual([
      { date: "2026-03-09", recipient: "reports@example.org", errors: 4, status: "sent" },
      { date: "2026-03-08", recipient: "reports@example.org", errors: 1, status: "sent" },
    ]);
  });

  it("sends nothing for a day without errors (deferred mail is not an error)", async () => {
    w.clock.set("2026-03-09T10:00:00.000Z");
    await deliverWithFailures(w.services, w.hosting.id, [
      { to: "later@dest.test", code: 451, text: "try later", outcome: "deferred" },
    ]);
    w.clock.set("2026-03-10T02:30:00.000Z");
    expect(await servicesWith().reports.runDue()).toBe(0);
    expect(await runs()).toEqual([]);
    expect(await systemMessages()).toEqual([]);
  });

  it("sends one report when two schedulers race", async () => {
    await errorsOn("2026-03-09");
    w.clock.set("2026-03-10T02:01:00.000Z");
    const [a, b] = await Promise.all([
      servicesWith().reports.runDue(),
      servicesWith().reports.runDue(),
    ]);
    expect(a + b).toBe(1);
    expect(await runs()).toHaveLength(1);
    expect(await systemMessages()).toHaveLength(1);
  });

  it("neither loses nor duplicates a report after a crash between building and sending", async () => {
    await errorsOn("2026-03-09");
    w.clock.set("2026-03-10T02:01:00.000Z");
    const crashing = servicesWith({
      reports: {
        afterRunRecorded: async () => {
          throw new Error("process killed");
        },
      },
    });
    await expect(crashing.reports.runDue()).rejects.toThrow(/report\(s\) of 2026-03-09 failed/);
    expect(await runs()).toEqual([]);
    expect(await systemMessages()).toEqual([]);

    // the same process retries a minute later; a restarted one at once
    const restarted = servicesWith();
    expect(await restarted.reports.runDue()).toBe(1);
    w.clock.advance(61_000);
    expect(await crashing.reports.runDue()).toBe(0);
    expect(await restarted.reports.runDue()).toBe(0);
    expect(await servicesWith().reports.runDue()).toBe(0);
    expect(await runs()).toHaveLength(1);
    expect(await systemMessages()).toHaveLength(1);
  });

  it("catches up the days missed during an outage, up to the configured number", async () => {
    for (const day of ["2026-03-05", "2026-03-06", "2026-03-07", "2026-03-08"]) await errorsOn(day);
    // the scheduler was down from the 6th to the 9th in the morning
    w.clock.set("2026-03-09T07:00:00.000Z");
    expect(await servicesWith().reports.runDue()).toBe(3);
    expect((await runs()).map((r) => r.day.toISOString().slice(0, 10))).toEqual([
      "2026-03-06",
      "2026-03-07",
      "2026-03-08",
    ]);
  });

  it("sends the next report to a changed recipient, and to the owner when none is set", async () => {
    await errorsOn("2026-03-08");
    w.clock.set("2026-03-09T02:00:00.000Z");
    const scheduler = servicesWith();
    expect(await scheduler.reports.runDue()).toBe(1);
    await w.services.email.updateSettings(w.customer, "example.org", {
      reportRecipient: "new-reports@example.org",
    });
    await errorsOn("2026-03-09");
    await errorsOn("2026-03-09", w.services, w.otherHosting.id);
    await w.db.prisma.user.update({ where: { id: w.other.userId }, data: { locale: "pt" } });
    w.clock.set("2026-03-10T02:00:00.000Z");
    expect(await scheduler.reports.runDue()).toBe(2);
    const all = await w.db.prisma.reportRun.findMany({
      orderBy: [{ day: "asc" }, { recipient: "asc" }],
      include: { message: true },
    });
    expect(all.map((r) => [r.day.toISOString().slice(0, 10), r.recipient])).toEqual([
      ["2026-03-08", "reports@example.org"],
      ["2026-03-09", "new-reports@example.org"],
      ["2026-03-09", "other@example.net"],
    ]);
    expect(all.map((r) => r.message?.recipients)).toEqual([
      ["reports@example.org"],
      ["new-reports@example.org"],
      ["other@example.net"],
    ]);
    // in the owner's language
    expect(parseMail(all[2]!.message!.raw!).subject).toBe(
      "Erros de entrega de other.net em 9 de março de 2026: 1",
    );
  });

  it("reads the day in the configured time zone", async () => {
    // New York is UTC-4 on 9 March 2026: its 9th runs from 04:00 UTC to 04:00 UTC the next day
    w.clock.set("2026-03-10T03:30:00.000Z");
    await deliverWithFailures(w.services, w.hosting.id, [
      { to: "late@dest.test", code: 550, text: "late" },
    ]);
    w.clock.set("2026-03-09T03:30:00.000Z");
    await deliverWithFailures(w.services, w.hosting.id, [
      { to: "early@dest.test", code: 550, text: "early" },
    ]);
    w.clock.set("2026-03-10T06:00:00.000Z"); // 02:00 in New York
    const ny = servicesWith({ reports: { timeZone: "America/New_York", catchUpDays: 1 } });
    expect(await ny.reports.runDue()).toBe(1);
    const [run] = await runs();
    expect(run).toMatchObject({ errorCount: 1 });
    expect(run!.day.toISOString().slice(0, 10)).toBe("2026-03-09");
    const text = parseMail((await systemMessages())[0]!.raw!).parts.get("text/plain")!;
    expect(text).toContain("- 23:30  late@dest.test  550  late");
  });

  it("prints instead of sending on a dry run, and refuses a day that does not exist", async () => {
    await errorsOn("2026-03-09");
    const outcomes = await w.services.reports.run("2026-03-09", { dryRun: true });
    expect(outcomes).toEqual([
      expect.objectContaining({
        serviceName: "example.org",
        recipient: "reports@example.org",
        errors: 1,
        result: "dry_run",
        text: expect.stringContaining("gone1@dest.test"),
      }),
    ]);
    expect(await runs()).toEqual([]);
    expect(await systemMessages()).toEqual([]);

    const sent = await w.services.reports.run("2026-03-09", { serviceName: "example.org" });
    expect(sent.map((o) => o.result)).toEqual(["queued"]);
    const again = await w.services.reports.run("2026-03-09", { serviceName: "example.org" });
    expect(again.map((o) => o.result)).toEqual(["already_reported"]);
    expect(await systemMessages()).toHaveLength(1);
    await expect(w.services.reports.run("2026-02-30")).rejects.toMatchObject({
      code: "validation_failed",
    });
  });

  it("lets only those who may see the hosting list its reports", async () => {
    await expect(w.services.reports.list(w.other, "example.org", 5)).rejects.toMatchObject({
      code: "not_found",
    });
    expect(await w.services.reports.list(w.support, "example.org", 5)).toEqual([]);
  });
});
