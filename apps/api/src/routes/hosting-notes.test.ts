import { NOTE_MAX } from "@scripts-email/contracts";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  call,
  createTestApp,
  errorCodeOf,
  seedWorld,
  type TestApp,
  type World,
} from "../testing/fixtures.ts";

// Issue 17: support's internal notes. Customers must never learn they exist: 404 on the notes
// routes even for their own hosting, and nothing of them in anything else they can read.

let t: TestApp;
let w: World;
let url: string;

beforeAll(async () => {
  t = await createTestApp();
  w = await seedWorld(t, "notes");
  url = `/api/hostings/${w.hosting.serviceName}/notes`;
});
afterAll(() => t?.close());
beforeEach(async () => {
  await t.db.sql.query(`DELETE FROM "HostingNote"`);
  await t.db.sql.query(`DELETE FROM "AuditEntry"`);
  t.clock.set("2026-01-15T10:00:00.000Z");
});

const audit = () =>
  t.db.sql.query<{ action: string; details: Record<string, unknown> }>(
    `SELECT action, details FROM "AuditEntry" ORDER BY at, id`,
  );

describe("internal notes API", () => {
  it("support adds notes (trimmed) and lists them newest first, with author and date", async () => {
    const first = await call(t.app, w.support, "POST", url, { body: "  First remark \n" });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toEqual({
      id: expect.any(String),
      body: "First remark",
      createdAt: "2026-01-15T10:00:00.000Z",
      author: { email: "notes-support@example.com" },
    });
    t.clock.set("2026-01-15T10:05:00.000Z");
    await call(t.app, w.support, "POST", url, { body: "Second remark" });
    await call(t.app, w.support, "POST", `/api/hostings/${w.otherHosting.serviceName}/notes`, {
      body: "Another hosting's",
    });

    const list = await call(t.app, w.support, "GET", url);
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((n: { body: string }) => n.body)).toEqual([
      "Second remark",
      "First remark",
    ]);
    expect(list.json().items[1]).toEqual(first.json());
    expect((await audit()).map((e) => e.action)).toEqual([
      "hosting.note_added",
      "hosting.note_added",
      "hosting.note_added",
    ]);
    expect((await audit())[0]?.details).toEqual({ noteId: first.json().id });
  });

  it("refuses an empty, blank or too long note, and an unknown field's absence", async () => {
    for (const body of [{ body: "" }, { body: " \n\t " }, { body: "x".repeat(NOTE_MAX + 1) }, {}]) {
      const res = await call(t.app, w.support, "POST", url, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(errorCodeOf(res)).toBe("validation_failed");
    }
    const longest = await call(t.app, w.support, "POST", url, {
      body: ` ${"y".repeat(NOTE_MAX)} `,
    });
    expect(longest.statusCode).toBe(201);
    expect(longest.json().body).toHaveLength(NOTE_MAX);
    expect((await call(t.app, w.support, "GET", url)).json().items).toHaveLength(1);
  });

  it("support deletes a note; the deletion is audited with its text", async () => {
    const note = (await call(t.app, w.support, "POST", url, { body: "To be removed" })).json();
    const res = await call(t.app, w.support, "DELETE", `${url}/${note.id}`);
    expect(res.statusCode, res.body).toBe(204);
    expect((await call(t.app, w.support, "GET", url)).json().items).toEqual([]);
    expect((await audit()).at(-1)).toEqual({
      action: "hosting.note_deleted",
      details: expect.objectContaining({ noteId: note.id, body: "To be removed" }),
    });
    const again = await call(t.app, w.support, "DELETE", `${url}/${note.id}`);
    expect(again.statusCode).toBe(404);
    const notUuid = await call(t.app, w.support, "DELETE", `${url}/not-a-uuid`);
    expect(notUuid.statusCode).toBe(400);
  });

  it("answers the owner 404 on every notes route, exactly as for a hosting that does not exist", async () => {
    const note = (await call(t.app, w.support, "POST", url, { body: "Secret" })).json();
    const missing = "/api/hostings/missing.example.org/notes";
    for (const [method, path, body] of [
      ["GET", url, undefined],
      ["POST", url, { body: "mine" }],
      ["DELETE", `${url}/${note.id}`, undefined],
    ] as const) {
      const own = await call(t.app, w.owner, method, path, body);
      const absent = await call(t.app, w.owner, method, path.replace(url, missing), body);
      expect(own.statusCode, `${method} ${path}`).toBe(404);
      expect(own.json().error).toEqual(absent.json().error);
    }
    expect((await call(t.app, w.support, "GET", url)).json().items).toHaveLength(1);
  });

  it("shows the customer nothing of the notes anywhere they can read", async () => {
    const marker = "ZQX-internal-remark";
    // something support did that the owner does see, so the activity log is not empty
    const block = await call(
      t.app,
      w.support,
      "POST",
      `/api/hostings/${w.hosting.serviceName}/email/requests`,
      { action: "block", reason: "Spam complaints" },
    );
    expect(block.statusCode, block.body).toBe(202);
    const kept = (await call(t.app, w.support, "POST", url, { body: `${marker} kept` })).json();
    const gone = (await call(t.app, w.support, "POST", url, { body: `${marker} gone` })).json();
    await call(t.app, w.support, "DELETE", `${url}/${gone.id}`);

    const s = w.hosting.serviceName;
    const readable = [
      "/api/me",
      "/api/hostings",
      `/api/hostings/${s}/email`,
      `/api/hostings/${s}/email/history`,
      `/api/hostings/${s}/audit?limit=200`,
      `/api/hostings/${s}/email/messages`,
      `/api/hostings/${s}/email/messages.csv?outcome=held`,
      `/api/hostings/${s}/email/errors`,
      `/api/hostings/${s}/email/errors.csv`,
      `/api/hostings/${s}/email/volumes?days=7`,
      `/api/hostings/${s}/email/reports?limit=5`,
      `/api/hostings/${s}/email/scripts?days=7`,
      `/api/hostings/${s}/email/refusals?days=7`,
      `/api/hostings/${s}/email/suppressions`,
      `/api/hostings/${s}/email/held/groups?by=domain`,
      `/api/hostings/${s}/email/jobs`,
      `/api/hostings/${s}/email/sending-settings`,
      `/api/hostings/${s}/sender-domains`,
    ];
    for (const path of readable) {
      const res = await call(t.app, w.owner, "GET", path);
      expect(res.statusCode, `${path}: ${res.body}`).toBe(200);
      for (const secret of [marker, "note_", kept.id, gone.id]) {
        expect(res.body.toLowerCase(), `${path} shows ${secret}`).not.toContain(
          secret.toLowerCase(),
        );
      }
    }
    const log = await call(t.app, w.owner, "GET", `/api/hostings/${s}/audit?limit=1`);
    expect(log.json().map((e: { action: string }) => e.action)).toEqual(["email.block"]);
    // no alert (mail or webhook) and no system mail tells anyone of a note
    const [alerts] = await t.db.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "Alert" WHERE details::text ILIKE '%note%'
          OR details::text LIKE '%' || $1::text || '%'`,
      [marker],
    );
    expect(alerts?.n).toBe(0);
    const [mail] = await t.db.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "Message"
        WHERE convert_from(coalesce(raw, ''::bytea), 'UTF8') LIKE '%' || $1::text || '%'`,
      [marker],
    );
    expect(mail?.n).toBe(0);
    // support sees them all in the hosting's log
    const bySupport = await call(t.app, w.support, "GET", `/api/hostings/${s}/audit?limit=200`);
    expect(bySupport.json().map((e: { action: string }) => e.action)).toEqual([
      "hosting.note_deleted",
      "hosting.note_added",
      "hosting.note_added",
      "email.block",
    ]);
  });
});
