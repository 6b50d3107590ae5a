import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HOUR } from "../clock.ts";
import { createWorld, disposeWorld, type World } from "../shared/test-fixtures.ts";
import { deliverWithFailures, parseMail } from "./report-testing.ts";

let w: World;

const NO_PROTECTION = {
  bounce: { ratio: 0, minFailures: 1, windowMs: HOUR },
  burst: { limit: 0, windowMs: 60_000 },
};

beforeAll(async () => {
  w = await createWorld({
    mail: NO_PROTECTION,
    reports: {
      time: "02:00",
      timeZone: "UTC",
      catchUpDays: 3,
      publicUrl: "https://panel.hoster.example",
      from: "reports@hoster.example",
    },
  });
});
afterAll(async () => {
  await disposeWorld(w);
});

const day = (iso: string) => new Date(`${iso}T00:00:00.000Z`);

describe("the nightly report's refusals", () => {
  it("says how many submissions were refused that day, with the most frequent reasons", async () => {
    w.clock.set("2026-03-09T09:15:00.000Z");
    await deliverWithFailures(w.services, w.hosting.id, [
      { to: "gone@dest.test", code: 550, text: "5.1.1 user unknown" },
    ]);
    const refusals = [
      ["contact.php", "daily_limit", 40],
      ["news.php", "daily_limit", 8],
      ["smtp", "auth", 5],
      ["smtp", "size", 2],
      ["smtp", "message", 1], // the fourth reason: counted, not named
    ] as const;
    await w.db.prisma.refusal.createMany({
      data: [
        ...refusals.map(([script, reason, count]) => ({
          hostingId: w.hosting.id,
          day: day("2026-03-09"),
          script,
          reason,
          count,
        })),
        // another day's and another hosting's are not in this report (they have their own)
        {
          hostingId: w.hosting.id,
          day: day("2026-03-08"),
          script: "x.php",
          reason: "size",
          count: 9,
        },
        {
          hostingId: w.otherHosting.id,
          day: day("2026-03-09"),
          script: "x.php",
          reason: "size",
          count: 9,
        },
      ],
    });
    w.clock.set("2026-03-10T02:30:00.000Z");
    // the 8th and the other hosting's 9th have refusals only: reported too
    expect(await w.services.reports.runDue()).toBe(3);
    const run = await w.db.prisma.reportRun.findFirstOrThrow({
      where: { hostingId: w.hosting.id, day: day("2026-03-09") },
    });
    const report = await w.db.prisma.message.findUniqueOrThrow({ where: { id: run.messageId! } });
    const mail = parseMail(report.raw!);
    const line =
      "56 messages refused at submission on 9 March 2026 (UTC day), never accepted: " +
      'Daily limit reached (48), Failed authentication (5), Message too large (2). See "Refused ' +
      'mail" in the panel.';
    expect(mail.parts.get("text/plain")).toContain(line);
    expect(mail.parts.get("text/html")).toContain("56 messages refused at submission");
  });

  it("has no refusals line for a day without refusals, in the owner's language", async () => {
    await w.db.prisma.user.updateMany({ data: { locale: "fr" } });
    w.clock.set("2026-03-10T09:15:00.000Z");
    await deliverWithFailures(w.services, w.hosting.id, [
      { to: "gone@dest.test", code: 550, text: "5.1.1 user unknown" },
    ]);
    const [outcome] = await w.services.reports.run("2026-03-10", { dryRun: true });
    expect(outcome?.text).toContain("erreur");
    expect(outcome?.text).not.toContain("à l’envoi");
    await w.db.prisma.refusal.create({
      data: {
        hostingId: w.hosting.id,
        day: day("2026-03-10"),
        script: "smtp",
        reason: "suppressed",
        count: 1,
      },
    });
    const [again] = await w.services.reports.run("2026-03-10", { dryRun: true });
    expect(again?.text).toContain(
      "1 message refusé à l’envoi le 10 mars 2026 (jour UTC), jamais accepté : " +
        "Destinataire sur la liste de suppression (1).",
    );
  });

  it("reports a day with refusals and no errors, and none for a day with neither", async () => {
    await w.db.prisma.user.updateMany({ data: { locale: "en" } });
    // the other hosting: refusals on the 14th, no delivery at all
    await w.db.prisma.refusal.create({
      data: {
        hostingId: w.otherHosting.id,
        day: day("2026-03-14"),
        script: "form.php",
        reason: "daily_limit",
        count: 3,
      },
    });
    const none = await w.services.reports.run("2026-03-13", { dryRun: true });
    expect(none).toEqual([]);

    const outcomes = await w.services.reports.run("2026-03-14", { dryRun: true });
    expect(outcomes).toHaveLength(1);
    const [outcome] = outcomes;
    expect(outcome?.serviceName).toBe(w.otherHosting.serviceName);
    expect(outcome?.errors).toBe(0);
    expect(outcome?.subject).toBe(
      `Refused mail of ${w.otherHosting.serviceName} on 14 March 2026: 3`,
    );
    expect(outcome?.text).toContain("no delivery error occurred");
    expect(outcome?.text).toContain(
      "3 messages refused at submission on 14 March 2026 (UTC day), never accepted: " +
        "Daily limit reached (3).",
    );
    expect(outcome?.text).not.toContain("What to do next");

    // and the scheduler sends it: the hosting is found through the refusals of the day
    w.clock.set("2026-03-15T02:30:00.000Z");
    expect(await w.services.reports.runDue()).toBe(1);
    const run = await w.db.prisma.reportRun.findFirstOrThrow({
      where: { hostingId: w.otherHosting.id, day: day("2026-03-14") },
    });
    expect(run.errorCount).toBe(0);
    const mail = parseMail(
      (await w.db.prisma.message.findUniqueOrThrow({ where: { id: run.messageId! } })).raw!,
    );
    expect(mail.parts.get("text/html")).toContain("3 messages refused at submission");
    expect(mail.parts.get("text/html")).not.toContain("<table");
  });
});
