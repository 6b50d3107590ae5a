import type { MessageListQuery } from "@scripts-email/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorld, disposeWorld, errorCode, type World } from "../shared/test-fixtures.ts";
import { SEARCH_SCAN_ROWS } from "./message-search.ts";

let w: World;

/** One message of example.org (or `hosting`), accepted `minutes` before 12:00 on 2026-03-10. */
async function insert(
  minutes: number,
  row: {
    subject?: string;
    from?: string;
    to?: string[];
    status?: string;
    attempts?: number;
    script?: string;
    messageId?: string | null;
    hosting?: string;
  } = {},
) {
  await w.db.sql.query(
    `INSERT INTO "Message" (id, "hostingId", "envelopeFrom", recipients, subject, size, status,
                           attempts, script, "messageIdHeader", "expiresAt", "acceptedAt", source)
     VALUES (gen_random_uuid(), $1::uuid, $2, $3::text[], $4, 10, $5::"MessageStatus", $6, $7, $8,
             $9::timestamptz + interval '72 hours', $9::timestamptz, 'sendmail')`,
    [
      row.hosting ?? w.hosting.id,
      row.from ?? "www@example.org",
      row.to ?? ["someone@example.com"],
      row.subject ?? `m${minutes}`,
      row.status ?? "sent",
      row.attempts ?? 0,
      row.script ?? "contact.php",
      row.messageId ?? null,
      new Date(Date.UTC(2026, 2, 10, 12) - minutes * 60_000).toISOString(),
    ],
  );
}

beforeAll(async () => {
  w = await createWorld();
  await insert(1, { subject: "Your Invoice 42", to: ["Alice@Example.net", "bob@example.net"] });
  await insert(2, { subject: "welcome", from: "Shop@Example.org", messageId: "<abc@example.org>" });
  await insert(3, { subject: "deferred one", status: "queued", attempts: 2 });
  await insert(4, { subject: "new one", status: "queued", script: "cron.php" });
  await insert(5, { subject: "in flight", status: "sending", attempts: 1 });
  await insert(6, { subject: "bounced", status: "failed", attempts: 1 });
  await insert(7, { subject: "too old", status: "expired", attempts: 9 });
  await insert(8, { subject: "held", status: "held", script: "cron.php" });
  await insert(9, { subject: "100% off_sale", script: "cron.php" });
  // another customer's mail never shows
  await insert(1, { subject: "Invoice elsewhere", hosting: w.otherHosting.id });
});
afterAll(async () => {
  await disposeWorld(w);
});

async function subjects(query: Partial<MessageListQuery>) {
  const page = await w.services.messages.list(w.customer, "example.org", { limit: 50, ...query });
  return page.items.map((m) => m.subject);
}

describe("message search", () => {
  it("maps each outcome to the statuses (and attempts) it means", async () => {
    expect(await subjects({ outcome: "delivered" })).toEqual([
      "Your Invoice 42",
      "welcome",
      "100% off_sale",
    ]);
    expect(await subjects({ outcome: "failed" })).toEqual(["bounced", "too old"]);
    expect(await subjects({ outcome: "deferred" })).toEqual(["deferred one"]);
    expect(await subjects({ outcome: "in_progress" })).toEqual(["new one", "in flight"]);
    expect(await subjects({ outcome: "held" })).toEqual(["held"]);
    // a status and an outcome together: both must hold
    expect(await subjects({ outcome: "failed", status: "expired" })).toEqual(["too old"]);
    expect(await subjects({ outcome: "failed", status: "sent" })).toEqual([]);
  });

  it("answers refused with an empty page: refusals are not messages", async () => {
    const page = await w.services.messages.list(w.customer, "example.org", {
      outcome: "refused",
      limit: 50,
    });
    expect(page).toEqual({ items: [], nextCursor: null });
    // still the hosting's access check
    expect(
      await errorCode(
        w.services.messages.list(w.other, "example.org", { outcome: "refused", limit: 50 }),
      ),
    ).toBe("not_found");
  });

  it("finds by sender or recipient address (exact, any case), Message-ID or subject", async () => {
    expect(await subjects({ q: "alice@example.net" })).toEqual(["Your Invoice 42"]);
    expect(await subjects({ q: "ALICE@example.NET" })).toEqual(["Your Invoice 42"]);
    expect(await subjects({ q: "alice@example" })).toEqual([]);
    expect(await subjects({ q: "shop@example.org" })).toEqual(["welcome"]);
    expect(await subjects({ q: "<abc@example.org>" })).toEqual(["welcome"]);
    expect(await subjects({ q: "abc@example.org" })).toEqual(["welcome"]);
    expect(await subjects({ q: "invoice" })).toEqual(["Your Invoice 42"]);
    // LIKE's wildcards are plain characters
    expect(await subjects({ q: "100%" })).toEqual(["100% off_sale"]);
    expect(await subjects({ q: "off_s_le" })).toEqual([]);
  });

  it("filters by recipient, script and acceptance time, combined", async () => {
    expect(await subjects({ recipient: "BOB@example.net" })).toEqual(["Your Invoice 42"]);
    expect(await subjects({ script: "cron.php" })).toEqual(["new one", "held", "100% off_sale"]);
    expect(await subjects({ script: "cron.php", outcome: "held" })).toEqual(["held"]);
    expect(
      await subjects({ from: "2026-03-10T11:52:00.000Z", to: "2026-03-10T11:56:00.000Z" }),
    ).toEqual(["in flight", "bounced", "too old", "held"]);
    expect(
      await subjects({ from: "2026-03-10T11:50:00.000Z", script: "cron.php", q: "held" }),
    ).toEqual(["held"]);
  });

  it("pages through a filter with the cursor", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await w.services.messages.list(w.customer, "example.org", {
        outcome: "in_progress",
        limit: 1,
        cursor,
      });
      seen.push(...page.items.map((m) => m.subject));
      cursor = page.nextCursor ?? undefined;
    } while (cursor && seen.length < 10);
    expect(seen).toEqual(["new one", "in flight"]);
  });

  it("bounds a search's scan: a page tells how far back it looked, the cursor goes on", async () => {
    // the one match is older than a whole scan's worth of newer mail
    await insert(2 * 24 * 60, { subject: "needle", to: ["needle@example.com"] });
    await w.db.sql.query(
      `INSERT INTO "Message" (id, "hostingId", "envelopeFrom", recipients, subject, size, status,
                             "expiresAt", "acceptedAt", source)
       SELECT gen_random_uuid(), $1::uuid, 'www@example.org', ARRAY['hay@example.com'], 'hay', 10,
              'sent', now(), timestamptz '2026-03-09T00:00:00Z' + i * interval '1 ms', 'sendmail'
         FROM generate_series(1, $2::int) i`,
      [w.hosting.id, SEARCH_SCAN_ROWS + 10],
    );
    const first = await w.services.messages.list(w.customer, "example.org", {
      recipient: "needle@example.com",
      limit: 20,
    });
    expect(first.items).toEqual([]);
    expect(first.nextCursor).not.toBeNull();
    expect(first.searchedUntil).toMatch(/^2026-03-09T/);
    const second = await w.services.messages.list(w.customer, "example.org", {
      recipient: "needle@example.com",
      limit: 20,
      cursor: first.nextCursor ?? undefined,
    });
    expect(second.items.map((m) => m.subject)).toEqual(["needle"]);
    expect(second.nextCursor).toBeNull();
    expect(second.searchedUntil).toBeUndefined();
  });
});
