import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  call,
  createTestApp,
  errorCodeOf,
  seedWorld,
  type TestApp,
  type World,
} from "../testing/fixtures.ts";

let t: TestApp;
let w: World;
let url: string;

beforeAll(async () => {
  t = await createTestApp();
  w = await seedWorld(t, "sp");
  url = `/api/hostings/${w.hosting.serviceName}/email/suppressions`;
  await t.db.sql.query(
    `INSERT INTO "Suppression" ("hostingId", address, reason, "addedAt", "expiresAt")
     SELECT $1::uuid, a, '550 5.1.1 <' || a || '>: User unknown', '2026-01-05T10:00:00Z',
            now() + interval '10 days'
       FROM unnest(ARRAY['alice@dest.test', 'bob@dest.test', 'carol@other.test']) a`,
    [w.hosting.id],
  );
});
afterAll(() => t?.close());

describe("suppression list API", () => {
  it("lists the entries by address, searched and paged", async () => {
    const first = await call(t.app, w.owner, "GET", `${url}?limit=2`);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().items).toEqual([
      {
        address: "alice@dest.test",
        reason: "550 5.1.1 <alice@dest.test>: User unknown",
        addedAt: "2026-01-05T10:00:00.000Z",
        expiresAt: expect.any(String),
      },
      expect.objectContaining({ address: "bob@dest.test" }),
    ]);
    const next = await call(
      t.app,
      w.owner,
      "GET",
      `${url}?limit=2&cursor=${encodeURIComponent(first.json().nextCursor)}`,
    );
    expect(next.json()).toEqual({
      items: [expect.objectContaining({ address: "carol@other.test" })],
      nextCursor: null,
    });
    const found = await call(t.app, w.support, "GET", `${url}?q=DEST.test`);
    expect(found.json().items.map((i: { address: string }) => i.address)).toEqual([
      "alice@dest.test",
      "bob@dest.test",
    ]);
    const bad = await call(t.app, w.owner, "GET", `${url}?cursor=%%%`);
    expect(bad.statusCode).toBe(400);
  });

  it("refuses the panel's test mail to an address on the list, naming it", async () => {
    const res = await call(
      t.app,
      w.owner,
      "POST",
      `/api/hostings/${w.hosting.serviceName}/email/test`,
      { to: "carol@other.test" },
    );
    expect(res.statusCode, res.body).toBe(409);
    expect(errorCodeOf(res)).toBe("recipient_suppressed");
    expect(res.json().error.message).toBe(
      "carol@other.test is on this hosting's suppression list since 2026-01-05 after a " +
        "permanent failure; remove it from the list to send to it again.",
    );
  });

  it("removes an address: support needs a reason; the removal is audited", async () => {
    const noReason = await call(t.app, w.support, "DELETE", `${url}/bob@dest.test`, {});
    expect(noReason.statusCode).toBe(400);
    expect(errorCodeOf(noReason)).toBe("reason_required");
    const removed = await call(t.app, w.support, "DELETE", `${url}/Bob@Dest.test`, {
      reason: "customer fixed the mailbox",
    });
    expect(removed.statusCode, removed.body).toBe(204);
    const own = await call(t.app, w.owner, "DELETE", `${url}/alice@dest.test`, {});
    expect(own.statusCode, own.body).toBe(204);
    const again = await call(t.app, w.owner, "DELETE", `${url}/alice@dest.test`, {});
    expect(again.statusCode).toBe(404);
    const left = await call(t.app, w.owner, "GET", url);
    expect(left.json().items.map((i: { address: string }) => i.address)).toEqual([
      "carol@other.test",
    ]);
    const audit = await t.db.prisma.auditEntry.findMany({
      where: { hostingId: w.hosting.id, action: "email.suppression_remove" },
      orderBy: [{ at: "asc" }, { id: "asc" }],
    });
    expect(audit.map((a) => [a.actorRole, a.reason, a.details])).toEqual([
      ["support", "customer fixed the mailbox", { address: "bob@dest.test" }],
      ["customer", null, { address: "alice@dest.test" }],
    ]);
  });
});
