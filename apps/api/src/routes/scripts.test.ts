import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  call,
  createTestApp,
  errorCodeOf,
  insertMessage,
  seedWorld,
  type TestApp,
  type World,
} from "../testing/fixtures.ts";

let t: TestApp;
let w: World;
let url: string;

beforeAll(async () => {
  t = await createTestApp();
  w = await seedWorld(t, "sc");
  url = `/api/hostings/${w.hosting.serviceName}/email/scripts`;
});
afterAll(() => t?.close());

function auditOf(hostingId: string) {
  return t.db.prisma.auditEntry.findMany({
    where: { hostingId, action: { startsWith: "email.script_" } },
    orderBy: [{ at: "asc" }, { id: "asc" }],
  });
}

describe("per-script view API", () => {
  it("answers the owner's mail by script, and 404 for another customer's hosting", async () => {
    const sent = await insertMessage(t, w.hosting.id, { status: "sent" });
    const held = await insertMessage(t, w.hosting.id, { status: "held" });
    await t.db.prisma.message.updateMany({
      where: { id: { in: [sent, held] } },
      data: { script: "contact.php" },
    });
    await t.db.prisma.message.update({ where: { id: held }, data: { spam: true } });

    const res = await call(t.app, w.owner, "GET", `${url}?days=1`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      items: [
        { script: "contact.php", accepted: 2, sent: 1, failed: 0, held: 0, spam: 1, refused: 0 },
      ],
      heldScripts: [],
    });
    // the default period is 7 days
    expect((await call(t.app, w.owner, "GET", url)).json().items).toHaveLength(1);
    expect((await call(t.app, w.support, "GET", url)).statusCode).toBe(200);

    const other = await call(t.app, w.other, "GET", url);
    expect(other.statusCode).toBe(404);
    expect(errorCodeOf(other)).toBe("not_found");
  });

  it("accepts only 1, 7 or 30 days", async () => {
    for (const days of ["2", "0", "abc", "31"]) {
      const res = await call(t.app, w.owner, "GET", `${url}?days=${days}`);
      expect(res.statusCode, days).toBe(400);
      expect(errorCodeOf(res)).toBe("validation_failed");
    }
  });
});

describe("held scripts API", () => {
  it("lets the owner hold and resume a script, audited as a customer", async () => {
    const held = await call(t.app, w.owner, "PUT", `${url}/held`, { script: "contact.php" });
    expect(held.statusCode, held.body).toBe(200);
    expect(held.json()).toEqual({ heldScripts: ["contact.php"] });
    const list = await call(t.app, w.owner, "GET", `${url}?days=30`);
    expect(list.json().heldScripts).toEqual(["contact.php"]);
    const status = await call(
      t.app,
      w.owner,
      "GET",
      `/api/hostings/${w.hosting.serviceName}/email`,
    );
    expect(status.json().heldScripts).toEqual(["contact.php"]);

    const resumed = await call(t.app, w.owner, "DELETE", `${url}/held`, { script: "contact.php" });
    expect(resumed.statusCode, resumed.body).toBe(200);
    expect(resumed.json()).toEqual({ heldScripts: [] });
    const entries = await auditOf(w.hosting.id);
    expect(entries.map((e) => [e.action, e.actorRole, e.details])).toEqual([
      ["email.script_hold", "customer", { script: "contact.php" }],
      ["email.script_release", "customer", { script: "contact.php" }],
    ]);
  });

  it("hides another customer's hosting exactly like a missing one, and changes nothing", async () => {
    const other = await call(t.app, w.other, "PUT", `${url}/held`, { script: "x.php" });
    expect(other.statusCode).toBe(404);
    expect(errorCodeOf(other)).toBe("not_found");
    const gone = await call(t.app, w.other, "DELETE", `${url}/held`, { script: "x.php" });
    expect(gone.statusCode).toBe(404);
    const row = await t.db.prisma.hosting.findUniqueOrThrow({ where: { id: w.hosting.id } });
    expect(row.heldScripts).not.toContain("x.php");
  });

  it("needs a reason from support, and records it", async () => {
    for (const method of ["PUT", "DELETE"] as const) {
      const res = await call(t.app, w.support, method, `${url}/held`, { script: "form.php" });
      expect(res.statusCode, res.body).toBe(400);
      expect(errorCodeOf(res)).toBe("reason_required");
    }
    const res = await call(t.app, w.support, "PUT", `${url}/held`, {
      script: "form.php",
      reason: "Ticket 9: spam from the form",
    });
    expect(res.statusCode, res.body).toBe(200);
    const entries = await auditOf(w.hosting.id);
    expect(entries.at(-1)).toMatchObject({
      action: "email.script_hold",
      actorRole: "support",
      reason: "Ticket 9: spam from the form",
      details: { script: "form.php" },
    });
    await call(t.app, w.support, "DELETE", `${url}/held`, { script: "form.php", reason: "done" });
  });

  it("refuses a missing, empty or multi-line script name and a 101st held script", async () => {
    for (const body of [{}, { script: "" }, { script: "a\nb" }, { script: "x".repeat(256) }]) {
      const res = await call(t.app, w.owner, "PUT", `${url}/held`, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(errorCodeOf(res)).toBe("validation_failed");
    }
    await t.db.prisma.hosting.update({
      where: { id: w.hosting.id },
      data: { heldScripts: Array.from({ length: 100 }, (_, i) => `s${i}.php`) },
    });
    const res = await call(t.app, w.owner, "PUT", `${url}/held`, { script: "one-more.php" });
    expect(res.statusCode, res.body).toBe(400);
    expect(errorCodeOf(res)).toBe("validation_failed");
    expect(res.json().error.message).toMatch(/100/);
    await t.db.prisma.hosting.update({ where: { id: w.hosting.id }, data: { heldScripts: [] } });
  });
});
