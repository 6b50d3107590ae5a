import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM } from "../actor.ts";
import { createWorld, disposeWorld, errorCode, type World } from "../shared/test-fixtures.ts";

let w: World;

beforeAll(async () => {
  w = await createWorld();
});
afterAll(async () => {
  await disposeWorld(w);
});

const limitOf = async (serviceName: string) =>
  (await w.services.hostings.get(SYSTEM, serviceName)).maxPerDay;
const audits = () =>
  w.db.prisma.auditEntry.findMany({
    where: { action: "hosting.daily_limit" },
    orderBy: [{ at: "asc" }, { id: "asc" }],
  });

describe("the daily limit", () => {
  it("is changed by support with a reason, audited with from and to", async () => {
    expect(
      await w.services.hostings.setDailyLimit(w.support, "example.org", 50, "Ticket 12"),
    ).toEqual({ serviceName: "example.org", maxPerDay: 50 });
    expect(await limitOf("example.org")).toBe(50);
    // the same value again changes nothing and records nothing
    await w.services.hostings.setDailyLimit(w.support, "example.org", 50, "again");
    await w.services.hostings.setDailyLimit(SYSTEM, "example.org", 0, "stop it");
    expect(await limitOf("example.org")).toBe(0);
    const entries = await audits();
    expect(entries.map((e) => [e.actorRole, e.reason, e.details, e.hostingId])).toEqual([
      ["support", "Ticket 12", { from: 1000, to: 50 }, w.hosting.id],
      ["system", "stop it", { from: 50, to: 0 }, w.hosting.id],
    ]);
  });

  it("refuses customers (403 on their own, 404 on others'), bad limits and a missing reason", async () => {
    const before = await limitOf("example.org");
    expect(
      await errorCode(w.services.hostings.setDailyLimit(w.customer, "example.org", 9, "more")),
    ).toBe("forbidden");
    expect(
      await errorCode(w.services.hostings.setDailyLimit(w.other, "example.org", 9, "more")),
    ).toBe("not_found");
    for (const bad of [-1, 1_000_001, 2.5, Number.NaN]) {
      expect(
        await errorCode(w.services.hostings.setDailyLimit(w.support, "example.org", bad, "x")),
      ).toBe("validation_failed");
    }
    expect(
      await errorCode(w.services.hostings.setDailyLimit(w.support, "example.org", 9, undefined)),
    ).toBe("reason_required");
    expect(
      await errorCode(w.services.hostings.setDailyLimit(w.support, "example.org", 9, "  ")),
    ).toBe("reason_required");
    expect(await limitOf("example.org")).toBe(before);
    await w.services.hostings.setDailyLimit(w.support, "example.org", 1_000_000, "the most");
    expect(await limitOf("example.org")).toBe(1_000_000);
  });

  it("applies to the next submission: mail accepted today counts against the new limit", async () => {
    await w.services.hostings.setDailyLimit(w.support, "other.net", 2, "trial");
    const accept = () =>
      w.services.mail.ingest.accept({
        hostingId: w.otherHosting.id,
        envelopeFrom: "site@other.net",
        recipients: ["a@dest.test"],
        raw: Buffer.from("From: site@other.net\r\nSubject: hi\r\n\r\nHello.\r\n"),
        source: "smtp",
      });
    await accept();
    await accept();
    expect(await errorCode(accept())).toBe("daily_limit_reached");
    const status = await w.services.email.status(w.other, "other.net");
    expect(status).toMatchObject({ acceptedToday: 2, maxPerDay: 2, sentToday: 0 });
    await w.services.hostings.setDailyLimit(w.support, "other.net", 3, "one more");
    await accept();
    expect(await errorCode(accept())).toBe("daily_limit_reached");
  });
});
