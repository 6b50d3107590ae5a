import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DAY } from "../clock.ts";
import { DomainError } from "../errors.ts";
import type { RecipientResult } from "../queue/delivery-service.ts";
import { createWorld, disposeWorld, resetWorld, type World } from "../shared/test-fixtures.ts";

// Issue 15: the suppression list. The worker adds recipients that failed for good with a 5.1.x
// reply (in the statement recording the failure); the list is read, searched, emptied by hand
// and by expiry.

let w: World;

beforeAll(async () => {
  w = await createWorld({ mail: { suppressionMs: 30 * DAY } });
});
afterAll(async () => {
  await disposeWorld(w);
});
beforeEach(async () => {
  await resetWorld(w);
  await w.db.sql.query(`DELETE FROM "Suppression"`);
  w.clock.set("2026-03-10T12:00:00.000Z");
});

const result = (
  recipient: string,
  code: number,
  text: string,
  kind: RecipientResult["kind"] = "recipient",
): RecipientResult => ({
  recipient,
  outcome: code >= 500 ? "failed" : code >= 400 ? "deferred" : "delivered",
  code,
  text,
  kind,
});

/** Queues one message to `recipients`, claims it and records the relay's answers. */
async function deliver(recipients: string[], answers: RecipientResult[], system = false) {
  if (system) {
    await w.services.outbox.enqueue({
      to: recipients[0]!,
      from: "scripts-email@localhost",
      raw: Buffer.from("Subject: report\r\n\r\nbody\r\n"),
    });
  } else {
    await w.services.mail.ingest.accept({
      hostingId: w.hosting.id,
      envelopeFrom: "site@example.org",
      recipients,
      raw: Buffer.from("Subject: hi\r\n\r\nbody\r\n"),
      source: "smtp",
    });
  }
  const [job] = await w.services.mail.delivery.claim(10);
  if (!job) throw new Error("nothing claimed");
  await w.services.mail.delivery.complete([{ job, recipients: answers }]);
}

const entries = () =>
  w.db.sql.query<{ hostingId: string; address: string; reason: string; expiresAt: Date }>(
    `SELECT "hostingId"::text AS "hostingId", address, reason, "expiresAt" FROM "Suppression"
      ORDER BY address`,
  );

describe("suppression list", () => {
  it("adds recipients that failed with 5.1.x, lower-cased, for the configured time", async () => {
    await deliver(
      [
        "Gone@Dest.test",
        "full@dest.test",
        "spam@dest.test",
        "ok@dest.test",
        "later@dest.test",
        "sender@dest.test",
      ],
      [
        result("Gone@Dest.test", 550, "550 5.1.1 <Gone@Dest.test>: Recipient address rejected"),
        result("full@dest.test", 552, "552 5.2.2 Mailbox full"),
        result("spam@dest.test", 550, "550 5.7.1 Message rejected as spam"),
        result("ok@dest.test", 250, "250 2.0.0 Ok"),
        result("later@dest.test", 450, "450 4.1.1 try later"),
        // 5.1.x about the sender (at MAIL FROM): the message's fault, not the address's
        result("sender@dest.test", 550, "550 5.1.8 Bad sender address", "message"),
      ],
    );
    const rows = await entries();
    expect(rows).toEqual([
      {
        hostingId: w.hosting.id,
        address: "gone@dest.test",
        reason: "550 5.1.1 <Gone@Dest.test>: Recipient address rejected",
        expiresAt: new Date("2026-04-09T12:00:00.000Z"),
      },
    ]);
    const found = await w.services.suppressions.find(w.hosting.id, "GONE@dest.test");
    expect(found?.addedAt).toEqual(new Date("2026-03-10T12:00:00.000Z"));
    expect(await w.services.suppressions.find(w.otherHosting.id, "gone@dest.test")).toBeNull();

    // a later failure refreshes it
    w.clock.set("2026-03-12T12:00:00.000Z");
    await deliver(["gone@dest.test"], [result("gone@dest.test", 550, "550 5.1.10 null MX")]);
    expect(await entries()).toMatchObject([
      { reason: "550 5.1.10 null MX", expiresAt: new Date("2026-04-11T12:00:00.000Z") },
    ]);
  });

  it("never adds the recipients of system mail", async () => {
    await deliver(
      ["owner@dest.test"],
      [result("owner@dest.test", 550, "550 5.1.1 User unknown")],
      true,
    );
    expect(await entries()).toEqual([]);
  });

  it("lists entries in force by address, searched and paged; others' hostings are not found", async () => {
    const now = new Date("2026-03-10T12:00:00.000Z");
    await w.db.sql.query(
      `INSERT INTO "Suppression" ("hostingId", address, reason, "addedAt", "expiresAt")
       SELECT $1::uuid, 'user' || i || '@dest.test', '550 5.1.1 unknown', $2::timestamptz,
              $2::timestamptz + interval '1 day'
         FROM generate_series(1, 5) i
       UNION ALL SELECT $1::uuid, 'old@dest.test', '550 5.1.1', $2::timestamptz - interval '31 days',
              $2::timestamptz - interval '1 day'
       UNION ALL SELECT $1::uuid, 'x_y@other.test', '550 5.1.1', $2::timestamptz,
              $2::timestamptz + interval '1 day'`,
      [w.hosting.id, now.toISOString()],
    );
    const list = w.services.suppressions;
    const first = await list.list(w.customer, "example.org", { limit: 2 });
    expect(first.items.map((i) => i.address)).toEqual(["user1@dest.test", "user2@dest.test"]);
    const second = await list.list(w.customer, "example.org", {
      limit: 10,
      cursor: first.nextCursor ?? "",
    });
    expect(second.items.map((i) => i.address)).toEqual([
      "user3@dest.test",
      "user4@dest.test",
      "user5@dest.test",
      "x_y@other.test",
    ]);
    expect(second.nextCursor).toBeNull();
    // expired entries are not in force, whether the job has deleted them yet or not
    expect(await list.find(w.hosting.id, "old@dest.test")).toBeNull();
    // contains, case-insensitive, with LIKE's wildcards taken literally
    const found = await list.list(w.support, "example.org", { q: "R4@DEST", limit: 50 });
    expect(found.items.map((i) => i.address)).toEqual(["user4@dest.test"]);
    const literal = await list.list(w.support, "example.org", { q: "_", limit: 50 });
    expect(literal.items.map((i) => i.address)).toEqual(["x_y@other.test"]);
    await expect(list.list(w.other, "example.org", { limit: 50 })).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(
      list.list(w.customer, "example.org", { limit: 50, cursor: "not a cursor" }),
    ).rejects.toBeInstanceOf(DomainError);
  });

  it("removes an entry: the owner, or support with a reason; audited", async () => {
    await deliver(["gone@dest.test"], [result("gone@dest.test", 550, "550 5.1.1 unknown")]);
    const list = w.services.suppressions;
    await expect(list.remove(w.other, "example.org", "gone@dest.test")).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(list.remove(w.support, "example.org", "gone@dest.test")).rejects.toMatchObject({
      code: "reason_required",
    });
    await list.remove(w.customer, "example.org", "Gone@dest.test");
    expect(await entries()).toEqual([]);
    await expect(list.remove(w.customer, "example.org", "gone@dest.test")).rejects.toMatchObject({
      code: "not_found",
    });
    await deliver(["gone@dest.test"], [result("gone@dest.test", 550, "550 5.1.1 unknown")]);
    await list.remove(w.support, "example.org", "gone@dest.test", "customer fixed the mailbox");
    const audit = await w.db.prisma.auditEntry.findMany({
      where: { action: "email.suppression_remove" },
      orderBy: { at: "asc" },
    });
    expect(audit.map((a) => [a.actorId, a.reason, a.details])).toEqual([
      [w.customer.userId, null, { address: "gone@dest.test" }],
      [w.support.userId, "customer fixed the mailbox", { address: "gone@dest.test" }],
    ]);
  });

  it("refuses the panel's test mail to a suppressed address", async () => {
    await deliver(["gone@dest.test"], [result("gone@dest.test", 550, "550 5.1.1 unknown")]);
    await expect(
      w.services.email.sendTest(w.customer, "example.org", "gone@dest.test"),
    ).rejects.toMatchObject({
      code: "recipient_suppressed",
      params: { address: "gone@dest.test", since: "2026-03-10" },
    });
    await w.services.suppressions.remove(w.customer, "example.org", "gone@dest.test");
    await expect(
      w.services.email.sendTest(w.customer, "example.org", "gone@dest.test"),
    ).resolves.toMatchObject({ status: "queued" });
  });

  it("deletes expired entries in batches", async () => {
    const now = new Date("2026-03-10T12:00:00.000Z");
    await w.db.sql.query(
      `INSERT INTO "Suppression" ("hostingId", address, reason, "addedAt", "expiresAt")
       SELECT $1::uuid, 'e' || i || '@dest.test', '550 5.1.1', $2::timestamptz - interval '30 days',
              $2::timestamptz - (i || ' minutes')::interval
         FROM generate_series(1, 7) i
       UNION ALL SELECT $1::uuid, 'kept@dest.test', '550 5.1.1', $2::timestamptz,
              $2::timestamptz + interval '1 minute'`,
      [w.hosting.id, now.toISOString()],
    );
    expect(await w.services.suppressions.expire(3)).toBe(7);
    expect((await entries()).map((e) => e.address)).toEqual(["kept@dest.test"]);
    expect(await w.services.suppressions.expire(3)).toBe(0);
  });

  it("adds and refuses nobody while the list is off (0 days)", async () => {
    const off = await createWorld({ mail: { suppressionMs: 0 } });
    try {
      await off.services.mail.ingest.accept({
        hostingId: off.hosting.id,
        envelopeFrom: "site@example.org",
        recipients: ["gone@dest.test"],
        raw: Buffer.from("Subject: hi\r\n\r\nbody\r\n"),
        source: "smtp",
      });
      const [job] = await off.services.mail.delivery.claim(10);
      await off.services.mail.delivery.complete([
        { job: job!, recipients: [result("gone@dest.test", 550, "550 5.1.1 unknown")] },
      ]);
      expect(await off.db.sql.query(`SELECT 1 FROM "Suppression"`)).toEqual([]);
      // an entry left from before refuses nothing
      await off.db.sql.query(
        `INSERT INTO "Suppression" ("hostingId", address, reason, "expiresAt")
         VALUES ($1::uuid, 'gone@dest.test', '550 5.1.1', '2026-04-01T00:00:00Z')`,
        [off.hosting.id],
      );
      expect(await off.services.suppressions.find(off.hosting.id, "gone@dest.test")).toBeNull();
      const listed = await off.services.suppressions.list(off.customer, "example.org", {
        limit: 10,
      });
      expect(listed.items.map((i) => i.address)).toEqual(["gone@dest.test"]);
    } finally {
      await disposeWorld(off);
    }
  });
});
