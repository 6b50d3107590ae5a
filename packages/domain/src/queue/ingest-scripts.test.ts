import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HOUR } from "../clock.ts";
import { createWorld, disposeWorld, resetWorld, type World } from "../shared/test-fixtures.ts";
import { isoDay } from "../shared/time.ts";
import type { IncomingMessage } from "./ingest-service.ts";

// Issue 14: every message is counted under its script, and a held script's new mail is held
// while the rest of its site's mail is queued.

let w: World;

beforeAll(async () => {
  w = await createWorld({ mail: { holdMs: 72 * HOUR, burst: { limit: 0, windowMs: 60_000 } } });
});
afterAll(async () => {
  await disposeWorld(w);
});
beforeEach(async () => {
  await resetWorld(w);
  await w.db.prisma.hosting.updateMany({ data: { heldScripts: [] } });
});

const message = (
  hostingId: string,
  subject: string,
  script: string | null,
  source: IncomingMessage["source"] = "smtp",
): IncomingMessage => ({
  hostingId,
  envelopeFrom: "site@example.org",
  recipients: ["someone@dest.test"],
  raw: Buffer.from(
    `Subject: ${subject}\r\n${script === null ? "" : `X-PHP-Originating-Script: ${script}\r\n`}\r\nbody\r\n`,
  ),
  source,
});

const rowsOf = (hostingId: string) =>
  w.db.prisma.message.findMany({
    where: { hostingId },
    orderBy: { subject: "asc" },
    select: { subject: true, script: true, status: true, expiresAt: true, nextAttemptAt: true },
  });

describe("ingest and scripts", () => {
  it("stores each message's script: the originating script without its uid, else the submission kind", async () => {
    const ingest = w.services.mail.ingest;
    await Promise.all([
      ingest.accept(message(w.hosting.id, "a", "1000:contact.php", "sendmail")),
      ingest.accept(message(w.hosting.id, "b", "33:/var/www/wp/send.php")),
      ingest.accept(message(w.hosting.id, "c", null, "sendmail")),
      ingest.accept(message(w.hosting.id, "d", null)),
    ]);
    expect((await rowsOf(w.hosting.id)).map((r) => [r.subject, r.script])).toEqual([
      ["a", "contact.php"],
      ["b", "/var/www/wp/send.php"],
      ["c", "sendmail"],
      ["d", "smtp"],
    ]);
  });

  it("holds a held script's mail like a blocked hosting's, while the site's other mail is queued", async () => {
    await w.db.prisma.hosting.update({
      where: { id: w.hosting.id },
      data: { heldScripts: ["hacked.php", "smtp"] },
    });
    const ingest = w.services.mail.ingest;
    const answers = await Promise.all([
      ingest.accept(message(w.hosting.id, "1 spam", "1000:hacked.php")),
      ingest.accept(message(w.hosting.id, "2 order", "1000:shop/order.php")),
      ingest.accept(message(w.hosting.id, "3 plain smtp", null)),
      ingest.accept(message(w.hosting.id, "4 sendmail", null, "sendmail")),
      // the same script name on another hosting is not held
      ingest.accept(message(w.otherHosting.id, "5 other site", "1000:hacked.php")),
    ]);
    expect(answers.map((a) => [a.status, a.heldBy])).toEqual([
      ["held", "script"],
      ["queued", undefined],
      ["held", "script"],
      ["queued", undefined],
      ["queued", undefined],
    ]);
    const rows = await rowsOf(w.hosting.id);
    expect(rows.map((r) => [r.subject, r.status])).toEqual([
      ["1 spam", "held"],
      ["2 order", "queued"],
      ["3 plain smtp", "held"],
      ["4 sendmail", "queued"],
    ]);
    const expiry = w.clock.now().getTime() + 72 * HOUR;
    for (const r of rows) expect(r.expiresAt.getTime()).toBe(expiry);
    // held mail is not due; queued mail is due at once
    expect(rows.filter((r) => r.status === "held").every((r) => r.nextAttemptAt === null)).toBe(
      true,
    );
    const [volume] = await w.db.sql.query<{ accepted: number; held: number }>(
      `SELECT accepted, held FROM "DailyVolume" WHERE "hostingId" = $1::uuid AND day = $2::date`,
      [w.hosting.id, isoDay(w.clock.now())],
    );
    expect(volume).toEqual({ accepted: 4, held: 2 });
  });

  it("says a blocked hosting's mail is held by the hosting, whatever its script", async () => {
    await w.db.prisma.hosting.update({
      where: { id: w.hosting.id },
      data: { state: "blocked", heldScripts: ["hacked.php"] },
    });
    const answers = await Promise.all([
      w.services.mail.ingest.accept(message(w.hosting.id, "x", "1:hacked.php")),
      w.services.mail.ingest.accept(message(w.hosting.id, "y", "1:order.php")),
    ]);
    expect(answers.map((a) => a.heldBy)).toEqual(["hosting", "hosting"]);
  });

  it("counts the product's own mail under `system`", async () => {
    await w.services.outbox.enqueue({
      to: "owner@example.org",
      from: "scripts-email@localhost",
      raw: Buffer.from("Subject: report\r\nX-PHP-Originating-Script: 1:nope.php\r\n\r\nbody\r\n"),
    });
    const rows = await w.db.prisma.message.findMany({
      where: { hostingId: null },
      select: { script: true, source: true },
    });
    expect(rows).toEqual([{ script: "system", source: "system" }]);
  });
});
