import { describe, expect, it } from "vitest";
import { buildReport, type ErrorEvent, groupErrors } from "./report-content.ts";

const at = (time: string) => new Date(`2026-03-10T${time}:00.000Z`);

const events: ErrorEvent[] = [
  { at: at("08:00"), recipient: "a@dest.test", smtpCode: 550, text: "550 5.1.1 User unknown" },
  // an older row, stored with its code doubled: the same cause
  { at: at("09:00"), recipient: "b@dest.test", smtpCode: 550, text: "550 550 5.1.1 User unknown" },
  {
    at: at("10:00"),
    recipient: "c@dest.test",
    smtpCode: 552,
    text: "552-5.2.2 Mailbox full\n552 5.2.2 over quota",
  },
];

describe("the report's errors", () => {
  it("groups one cause whatever the form of its stored reply, its code kept apart", () => {
    expect(groupErrors(events).map((g) => [g.code, g.text, g.count])).toEqual([
      [550, "5.1.1 User unknown", 2],
      [552, "5.2.2 Mailbox full over quota", 1],
    ]);
  });

  it("shows each reply's code once, in the text and in the HTML", () => {
    const report = buildReport({
      locale: "en",
      serviceName: "example.org",
      day: new Date("2026-03-10T00:00:00.000Z"),
      timeZone: "UTC",
      errorCount: 3,
      events,
      panelUrl: "https://panel.test/hostings/example.org",
    });
    expect(report.text).toContain(
      "- 08:00–09:00  a@dest.test, b@dest.test  550  5.1.1 User unknown  (×2)",
    );
    expect(report.text).toContain("- 10:00  c@dest.test  552  5.2.2 Mailbox full over quota");
    expect(report.text).not.toMatch(/550\s+550/);
    expect(report.html).toContain("<td");
    expect(report.html).not.toMatch(/550(<\/td><td[^>]*>)?\s*550/);
    expect(report.html).toMatch(/>550<\/td><td [^>]*>5\.1\.1 User unknown<\/td>/);
  });

  it("words a day of refusals only as such, in the owner's language", () => {
    const report = (locale: "pt" | "fr") =>
      buildReport({
        locale,
        serviceName: "example.org",
        day: new Date("2026-03-10T00:00:00.000Z"),
        timeZone: "UTC",
        errorCount: 0,
        events: [],
        panelUrl: "https://panel.test/hostings/example.org",
        refusals: { total: 2, reasons: [{ reason: "size", count: 2 }] },
      });
    const pt = report("pt");
    expect(pt.subject).toBe("Correio recusado de example.org em 10 de março de 2026: 2");
    expect(pt.text).toContain("não ocorreu nenhum erro de entrega");
    expect(pt.text).toContain("2 mensagens recusadas no envio em 10 de março de 2026");
    const fr = report("fr");
    expect(fr.subject).toBe("Courrier refusé de example.org le 10 mars 2026 : 2");
    expect(fr.text).toContain("aucune erreur de distribution n’est survenue");
    expect(fr.html).not.toContain("<table");
  });
});
