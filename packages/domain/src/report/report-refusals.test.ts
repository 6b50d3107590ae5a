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
        // another day's and another hosting's do not count
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
    expect(await w.services.reports.runDue()).toBe(1);
    const report = await w.db.prisma.message.findFirstOrThrow({ where: { source: "system" } });
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
});
