import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HOUR } from "../clock.ts";
import {
  createWorld,
  disposeWorld,
  errorCode,
  resetWorld,
  type World,
} from "../shared/test-fixtures.ts";
import { MAX_HELD_SCRIPTS } from "./scripts-service.ts";

let w: World;

beforeAll(async () => {
  w = await createWorld();
});
afterAll(async () => {
  await disposeWorld(w);
});
beforeEach(async () => {
  await resetWorld(w);
  await w.db.prisma.refusal.deleteMany();
  await w.db.prisma.hosting.updateMany({ data: { heldScripts: [] } });
});

type Status = "queued" | "held" | "sending" | "sent" | "failed" | "expired" | "purged";

/** `count` messages of `script` in `status`, accepted at `acceptedAt` (an hour ago by default). */
async function seed(
  hostingId: string,
  script: string,
  status: Status,
  count: number,
  options: { spam?: boolean; acceptedAt?: Date } = {},
): Promise<void> {
  const acceptedAt = options.acceptedAt ?? new Date(w.clock.now().getTime() - HOUR);
  await w.db.prisma.message.createMany({
    data: Array.from({ length: count }, (_, i) => ({
      id: randomUUID(),
      hostingId,
      envelopeFrom: "www-data@example.org",
      recipients: [`r${i}@example.com`],
      size: 100,
      status,
      acceptedAt,
      expiresAt: new Date(acceptedAt.getTime() + 72 * HOUR),
      source: "sendmail" as const,
      script,
      spam: options.spam ?? false,
    })),
  });
}

async function refuse(hostingId: string, script: string, day: string, count: number) {
  await w.db.prisma.refusal.create({
    data: { hostingId, script, day: new Date(`${day}T00:00:00.000Z`), reason: "limit", count },
  });
}

describe("list", () => {
  it("counts each script's mail by what became of it, largest volume first", async () => {
    const id = w.hosting.id;
    await seed(id, "contact.php", "held", 40, { spam: true });
    await seed(id, "contact.php", "held", 3);
    await seed(id, "contact.php", "sent", 2);
    await seed(id, "shop/order.php", "sent", 20);
    await seed(id, "shop/order.php", "failed", 2);
    await seed(id, "shop/order.php", "expired", 1);
    await seed(id, "shop/order.php", "queued", 4);
    await seed(id, "shop/order.php", "purged", 1);
    await seed(id, "smtp", "sending", 1);
    await refuse(id, "smtp", "2026-03-10", 50);
    await refuse(id, "smtp", "2026-03-09", 7);
    // another hosting's mail is not counted
    await seed(w.otherHosting.id, "contact.php", "sent", 100);

    const list = await w.services.scripts.list(w.customer, "example.org", 7);
    expect(list).toEqual({
      items: [
        { script: "smtp", accepted: 1, sent: 0, failed: 0, held: 0, spam: 0, refused: 57 },
        { script: "contact.php", accepted: 45, sent: 2, failed: 0, held: 3, spam: 40, refused: 0 },
        {
          script: "shop/order.php",
          accepted: 28,
          sent: 20,
          failed: 3,
          held: 0,
          spam: 0,
          refused: 0,
        },
      ],
      heldScripts: [],
    });
  });

  it("covers the UTC days asked for, today included, for messages and refusals alike", async () => {
    const id = w.hosting.id;
    // the clock is 2026-03-10T12:00Z
    await seed(id, "today.php", "sent", 1, { acceptedAt: new Date("2026-03-10T00:00:00.000Z") });
    await seed(id, "week.php", "sent", 2, { acceptedAt: new Date("2026-03-04T00:00:00.000Z") });
    await seed(id, "old.php", "sent", 3, { acceptedAt: new Date("2026-03-03T23:59:59.999Z") });
    await refuse(id, "today.php", "2026-03-10", 1);
    await refuse(id, "week.php", "2026-03-04", 1);
    await refuse(id, "old.php", "2026-03-03", 1);

    const scripts = async (days: 1 | 7 | 30) =>
      (await w.services.scripts.list(w.customer, "example.org", days)).items.map((i) => [
        i.script,
        i.accepted,
        i.refused,
      ]);
    expect(await scripts(1)).toEqual([["today.php", 1, 1]]);
    expect(await scripts(7)).toEqual([
      ["week.php", 2, 1],
      ["today.php", 1, 1],
    ]);
    expect(await scripts(30)).toEqual([
      ["old.php", 3, 1],
      ["week.php", 2, 1],
      ["today.php", 1, 1],
    ]);
    expect(await errorCode(w.services.scripts.list(w.customer, "example.org", 2 as 1))).toBe(
      "validation_failed",
    );
  });

  it("answers at most 200 scripts, ties by name, and every held script even without mail", async () => {
    const names = Array.from({ length: 205 }, (_, i) => `s${String(i).padStart(3, "0")}.php`);
    for (const name of names) await seed(w.hosting.id, name, "sent", 1);
    await seed(w.hosting.id, "s204.php", "sent", 1);
    await w.services.scripts.hold(w.customer, "example.org", "quiet.php");

    const list = await w.services.scripts.list(w.customer, "example.org", 1);
    expect(list.items).toHaveLength(200);
    expect(list.items[0]).toMatchObject({ script: "s204.php", accepted: 2 });
    expect(list.items[1]?.script).toBe("s000.php");
    expect(list.items[199]?.script).toBe("s198.php");
    expect(list.heldScripts).toEqual(["quiet.php"]);
  });

  it("shows a customer only their own hostings; support sees any", async () => {
    await seed(w.otherHosting.id, "contact.php", "sent", 1);
    expect(await errorCode(w.services.scripts.list(w.customer, "other.net", 7))).toBe("not_found");
    expect(await errorCode(w.services.scripts.list(w.customer, "missing.org", 7))).toBe(
      "not_found",
    );
    const seen = await w.services.scripts.list(w.support, "other.net", 7);
    expect(seen.items.map((i) => i.script)).toEqual(["contact.php"]);
  });
});

describe("hold and unhold", () => {
  const auditOf = (hostingId: string) =>
    w.db.prisma.auditEntry.findMany({
      where: { hostingId },
      orderBy: [{ at: "asc" }, { id: "asc" }],
    });

  it("lets the owner hold and resume a script, each change audited once", async () => {
    const held = await w.services.scripts.hold(w.customer, "example.org", "contact.php");
    expect(held).toEqual({ heldScripts: ["contact.php"] });
    // holding it again changes and records nothing
    expect(await w.services.scripts.hold(w.customer, "example.org", "contact.php")).toEqual(held);
    expect(await w.services.scripts.hold(w.customer, "example.org", "smtp", "my own note")).toEqual(
      { heldScripts: ["contact.php", "smtp"] },
    );
    expect(await w.services.scripts.unhold(w.customer, "example.org", "contact.php")).toEqual({
      heldScripts: ["smtp"],
    });
    expect(await w.services.scripts.unhold(w.customer, "example.org", "contact.php")).toEqual({
      heldScripts: ["smtp"],
    });

    const row = await w.db.prisma.hosting.findUniqueOrThrow({ where: { id: w.hosting.id } });
    expect(row.heldScripts).toEqual(["smtp"]);
    const entries = await auditOf(w.hosting.id);
    expect(entries.map((e) => [e.action, e.actorRole, e.actorId, e.reason, e.details])).toEqual([
      ["email.script_hold", "customer", w.customer.userId, null, { script: "contact.php" }],
      ["email.script_hold", "customer", w.customer.userId, "my own note", { script: "smtp" }],
      ["email.script_release", "customer", w.customer.userId, null, { script: "contact.php" }],
    ]);
  });

  it("holds the script's mail already queued through the hold job; the rest keeps going", async () => {
    await seed(w.hosting.id, "contact.php", "queued", 5);
    await seed(w.hosting.id, "shop/order.php", "queued", 3);
    await w.services.scripts.hold(w.customer, "example.org", "contact.php");
    expect(await w.services.email.runHolds()).toBe(5);
    const list = await w.services.scripts.list(w.customer, "example.org", 1);
    expect(list.items.map((i) => [i.script, i.accepted, i.held])).toEqual([
      ["contact.php", 5, 5],
      ["shop/order.php", 3, 0],
    ]);
  });

  it("needs a reason from support, and records it", async () => {
    for (const change of [w.services.scripts.hold, w.services.scripts.unhold]) {
      expect(await errorCode(change(w.support, "example.org", "contact.php"))).toBe(
        "reason_required",
      );
      expect(await errorCode(change(w.support, "example.org", "contact.php", "  "))).toBe(
        "reason_required",
      );
    }
    await w.services.scripts.hold(w.support, "example.org", "contact.php", "Ticket 7: spam");
    const [entry] = await auditOf(w.hosting.id);
    expect(entry).toMatchObject({
      action: "email.script_hold",
      actorRole: "support",
      actorId: w.support.userId,
      reason: "Ticket 7: spam",
      details: { script: "contact.php" },
    });
  });

  it("hides other customers' hostings and refuses bad names and a 101st script", async () => {
    expect(await errorCode(w.services.scripts.hold(w.customer, "other.net", "a.php"))).toBe(
      "not_found",
    );
    expect(await errorCode(w.services.scripts.unhold(w.customer, "other.net", "a.php"))).toBe(
      "not_found",
    );
    for (const bad of ["", "a\nb", "x".repeat(256)]) {
      expect(await errorCode(w.services.scripts.hold(w.customer, "example.org", bad))).toBe(
        "validation_failed",
      );
    }
    const full = Array.from({ length: MAX_HELD_SCRIPTS }, (_, i) => `s${i}.php`);
    await w.db.prisma.hosting.update({
      where: { id: w.hosting.id },
      data: { heldScripts: full },
    });
    expect(
      await errorCode(w.services.scripts.hold(w.customer, "example.org", "one-more.php")),
    ).toBe("validation_failed");
    // a held one is no change, and one can always resume
    await w.services.scripts.hold(w.customer, "example.org", "s0.php");
    const after = await w.services.scripts.unhold(w.customer, "example.org", "s0.php");
    expect(after.heldScripts).toHaveLength(MAX_HELD_SCRIPTS - 1);
    expect(await auditOf(w.otherHosting.id)).toEqual([]);
  });

  it("loses no change when requests cross: each reads the list the previous one wrote", async () => {
    const scripts = Array.from({ length: 12 }, (_, i) => `form${i}.php`);
    await Promise.all(scripts.map((s) => w.services.scripts.hold(w.customer, "example.org", s)));
    const { heldScripts } = await w.services.scripts.list(w.customer, "example.org", 1);
    expect([...heldScripts].sort()).toEqual([...scripts].sort());
    await Promise.all([
      ...scripts.slice(0, 6).map((s) => w.services.scripts.unhold(w.customer, "example.org", s)),
      w.services.scripts.hold(w.customer, "example.org", "late.php"),
    ]);
    const after = await w.services.scripts.list(w.customer, "example.org", 1);
    expect([...after.heldScripts].sort()).toEqual([...scripts.slice(6), "late.php"].sort());
    expect(await w.db.prisma.auditEntry.count({ where: { hostingId: w.hosting.id } })).toBe(19);
  });
});
