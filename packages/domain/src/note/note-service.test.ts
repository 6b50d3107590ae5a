import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createWorld,
  disposeWorld,
  errorCode,
  resetWorld,
  type World,
} from "../shared/test-fixtures.ts";
import { NOTES_LIST_MAX } from "./note-service.ts";

// Issue 17: support's internal notes on a hosting. Customers must not learn they exist: every
// call is not_found for them, and the notes' audit entries are left out of their activity log.

let w: World;

beforeAll(async () => {
  w = await createWorld();
});
afterAll(async () => {
  await disposeWorld(w);
});
beforeEach(async () => {
  await resetWorld(w);
  await w.db.sql.query(`DELETE FROM "HostingNote"`);
  w.clock.set("2026-03-10T12:00:00.000Z");
});

const audited = () =>
  w.db.sql.query<{ action: string; actorId: string | null; hostingId: string; details: unknown }>(
    `SELECT action, "actorId"::text AS "actorId", "hostingId"::text AS "hostingId", details
       FROM "AuditEntry" ORDER BY at, id`,
  );

describe("internal notes", () => {
  it("adds a trimmed note by its author, audited with the note's id", async () => {
    const note = await w.services.notes.create(w.support, "example.org", "  Called the owner.\n");
    expect(note).toEqual({
      id: expect.any(String),
      body: "Called the owner.",
      createdAt: "2026-03-10T12:00:00.000Z",
      author: { email: "agent@hoster.test" },
    });
    expect(await w.services.notes.list(w.support, "example.org")).toEqual({ items: [note] });
    expect(await audited()).toEqual([
      {
        action: "hosting.note_added",
        actorId: w.support.userId,
        hostingId: w.hosting.id,
        details: { noteId: note.id },
      },
    ]);
  });

  it("lists the hosting's notes only, newest first, the newest NOTES_LIST_MAX", async () => {
    for (let i = 1; i <= 3; i++) {
      w.clock.set(`2026-03-10T12:0${i}:00.000Z`);
      await w.services.notes.create(w.support, "example.org", `note ${i}`);
    }
    await w.services.notes.create(w.support, "other.net", "elsewhere");
    const { items } = await w.services.notes.list(w.support, "example.org");
    expect(items.map((n) => n.body)).toEqual(["note 3", "note 2", "note 1"]);

    // two notes of the same instant keep the order they were written in (v7 ids)
    await w.services.notes.create(w.support, "example.org", "same instant a");
    await w.services.notes.create(w.support, "example.org", "same instant b");
    const again = await w.services.notes.list(w.support, "example.org");
    expect(again.items.slice(0, 2).map((n) => n.body)).toEqual([
      "same instant b",
      "same instant a",
    ]);

    await w.db.sql.query(
      `INSERT INTO "HostingNote" (id, "hostingId", body, "createdAt")
       SELECT gen_random_uuid(), $1::uuid, 'bulk ' || i, '2026-01-01'::timestamptz + i * interval '1 s'
         FROM generate_series(1, $2::int) i`,
      [w.hosting.id, NOTES_LIST_MAX],
    );
    const bounded = await w.services.notes.list(w.support, "example.org");
    expect(bounded.items).toHaveLength(NOTES_LIST_MAX);
    expect(bounded.items[0]?.body).toBe("same instant b");
    // a note without an author (its account gone) lists with no address
    expect(bounded.items.at(-1)).toMatchObject({ body: "bulk 6", author: { email: null } });
  });

  it("refuses an empty note", async () => {
    expect(await errorCode(w.services.notes.create(w.support, "example.org", "  \n "))).toBe(
      "validation_failed",
    );
    expect(await w.services.notes.list(w.support, "example.org")).toEqual({ items: [] });
  });

  it("lets any support user delete a note, auditing its body so nothing is lost", async () => {
    const note = await w.services.notes.create(w.support, "example.org", "Temporary remark");
    const colleague = await w.services.users.create({
      email: "colleague@hoster.test",
      password: "correct horse battery",
      role: "support",
    });
    const actor = {
      kind: "user" as const,
      userId: colleague.id,
      email: colleague.email,
      role: colleague.role,
      locale: colleague.locale,
    };
    w.clock.set("2026-03-10T13:00:00.000Z");
    await w.services.notes.remove(actor, "example.org", note.id);
    expect(await w.services.notes.list(w.support, "example.org")).toEqual({ items: [] });
    expect((await audited()).at(-1)).toEqual({
      action: "hosting.note_deleted",
      actorId: colleague.id,
      hostingId: w.hosting.id,
      details: {
        noteId: note.id,
        body: "Temporary remark",
        authorId: w.support.userId,
        createdAt: "2026-03-10T12:00:00.000Z",
      },
    });
    // deleted already, or asked through another hosting: not found, nothing audited
    expect(await errorCode(w.services.notes.remove(w.support, "example.org", note.id))).toBe(
      "not_found",
    );
    const kept = await w.services.notes.create(w.support, "example.org", "kept");
    expect(await errorCode(w.services.notes.remove(w.support, "other.net", kept.id))).toBe(
      "not_found",
    );
    expect((await w.services.notes.list(w.support, "example.org")).items).toHaveLength(1);
    expect((await audited()).filter((e) => e.action === "hosting.note_deleted")).toHaveLength(1);
  });

  it("answers a customer not_found everywhere, even on their own hosting", async () => {
    const note = await w.services.notes.create(w.support, "example.org", "Owner was rude");
    for (const serviceName of ["example.org", "other.net", "absent.example"]) {
      expect(await errorCode(w.services.notes.list(w.customer, serviceName))).toBe("not_found");
      expect(await errorCode(w.services.notes.create(w.customer, serviceName, "x"))).toBe(
        "not_found",
      );
      expect(await errorCode(w.services.notes.remove(w.customer, serviceName, note.id))).toBe(
        "not_found",
      );
    }
    expect(await errorCode(w.services.notes.list(w.support, "absent.example"))).toBe("not_found");
    expect((await w.services.notes.list(w.support, "example.org")).items).toHaveLength(1);
  });

  it("keeps the notes' audit entries out of the customer's activity log, not support's", async () => {
    await w.services.email.request(w.support, "example.org", "block", "Spam complaints");
    const note = await w.services.notes.create(w.support, "example.org", "Watch this one");
    await w.services.notes.remove(w.support, "example.org", note.id);
    await w.services.notes.create(w.support, "example.org", "Second");

    const owner = await w.services.audit.listForHosting(w.customer, "example.org", 1);
    expect(owner.map((e) => e.action)).toEqual(["email.block"]);
    const ownerAll = await w.services.audit.listForHosting(w.customer, "example.org", 50);
    expect(ownerAll.map((e) => e.action)).toEqual(["email.block"]);

    const support = await w.services.audit.listForHosting(w.support, "example.org", 50);
    expect(support.map((e) => e.action)).toEqual([
      "hosting.note_added",
      "hosting.note_deleted",
      "hosting.note_added",
      "email.block",
    ]);
    const all = await w.services.audit.list(w.support, { serviceName: "example.org", limit: 50 });
    expect(all).toHaveLength(4);
  });
});
