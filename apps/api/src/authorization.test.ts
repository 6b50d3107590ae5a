import { randomUUID } from "node:crypto";
import { SYSTEM } from "@scripts-email/domain";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  call,
  createTestApp,
  errorCodeOf,
  insertMessage,
  type Session,
  seedWorld,
  type TestApp,
  type World,
} from "./testing/fixtures.ts";

let t: TestApp;
let w: World;
let messageId: string;
let jobId: string;

beforeAll(async () => {
  t = await createTestApp();
  w = await seedWorld(t);
  messageId = await insertMessage(t, w.hosting.id, { status: "queued" });
  // a finished job that changed nothing (its id matches no message)
  const job = await t.services.selection.select(SYSTEM, w.hosting.serviceName, {
    action: "delete",
    filter: { ids: [randomUUID()] },
  });
  jobId = (job as { jobId: string }).jobId;
  await t.services.selection.idle();
});
afterAll(() => t?.close());

// each case starts from an active hosting, whatever the previous case did
beforeEach(async () => {
  await t.db.prisma.hosting.update({
    where: { id: w.hosting.id },
    data: { state: "active", blockedByRole: null, stateReason: null },
  });
  // an address on the suppression list, for each removal to find
  await t.db.sql.query(
    `INSERT INTO "Suppression" ("hostingId", address, reason, "expiresAt")
     VALUES ($1::uuid, 'gone@example.com', '550 5.1.1 unknown', now() + interval '1 day')
     ON CONFLICT DO NOTHING`,
    [w.hosting.id],
  );
  await t.db.sql.query(
    `INSERT INTO "HostingNote" (id, "hostingId", body) VALUES ($1::uuid, $2::uuid, 'matrix note')
     ON CONFLICT DO NOTHING`,
    [NOTE_ID, w.hosting.id],
  );
});

type Role = "anonymous" | "owner" | "other" | "support";
type Expect = "ok" | 401 | 403 | 404;

interface Endpoint {
  name: string;
  method: "GET" | "POST" | "PUT" | "DELETE";
  url: (serviceName: string) => string;
  body?: unknown;
  /** Success status. */
  ok: number;
  /** Whether the endpoint names one hosting (another customer gets 404). */
  perHosting: boolean;
  /** Customers get 403. */
  supportOnly?: boolean;
  /** Customers get 404, even on their own hosting (support's internal notes). */
  hiddenFromCustomers?: boolean;
}

/** A note of the tested hosting, put back before each case for the deletion to find. */
const NOTE_ID = "0190a0b0-0000-7000-8000-000000000017";

const endpoints: Endpoint[] = [
  { name: "GET /api/me", method: "GET", url: () => "/api/me", ok: 200, perHosting: false },
  {
    name: "POST /api/tokens",
    method: "POST",
    url: () => "/api/tokens",
    body: { name: "ci" },
    ok: 201,
    perHosting: false,
  },
  {
    name: "GET /api/hostings",
    method: "GET",
    url: () => "/api/hostings",
    ok: 200,
    perHosting: false,
  },
  {
    name: "GET email",
    method: "GET",
    url: (s) => `/api/hostings/${s}/email`,
    ok: 200,
    perHosting: true,
  },
  {
    name: "PUT email",
    method: "PUT",
    url: (s) => `/api/hostings/${s}/email`,
    body: { reportRecipient: "reports@example.com" },
    ok: 200,
    perHosting: true,
  },
  {
    name: "POST email/requests",
    method: "POST",
    url: (s) => `/api/hostings/${s}/email/requests`,
    body: { action: "block", reason: "matrix check" },
    ok: 202,
    perHosting: true,
  },
  {
    name: "GET email/messages",
    method: "GET",
    url: (s) => `/api/hostings/${s}/email/messages`,
    ok: 200,
    perHosting: true,
  },
  {
    name: "GET email/messages.csv",
    method: "GET",
    url: (s) => `/api/hostings/${s}/email/messages.csv?outcome=held`,
    ok: 200,
    perHosting: true,
  },
  {
    name: "GET email/errors.csv",
    method: "GET",
    url: (s) => `/api/hostings/${s}/email/errors.csv`,
    ok: 200,
    perHosting: true,
  },
  {
    name: "GET email/messages/:id",
    method: "GET",
    url: (s) => `/api/hostings/${s}/email/messages/${messageId}`,
    ok: 200,
    perHosting: true,
  },
  {
    name: "GET email/messages/:id/body",
    method: "GET",
    url: (s) => `/api/hostings/${s}/email/messages/${messageId}/body?reason=matrix%20check`,
    ok: 200,
    perHosting: true,
  },
  {
    name: "GET email/held/groups",
    method: "GET",
    url: (s) => `/api/hostings/${s}/email/held/groups?by=domain`,
    ok: 200,
    perHosting: true,
  },
  {
    name: "GET email/scripts",
    method: "GET",
    url: (s) => `/api/hostings/${s}/email/scripts?days=7`,
    ok: 200,
    perHosting: true,
  },
  {
    name: "PUT email/scripts/held",
    method: "PUT",
    url: (s) => `/api/hostings/${s}/email/scripts/held`,
    body: { script: "matrix.php", reason: "matrix check" },
    ok: 200,
    perHosting: true,
  },
  {
    name: "DELETE email/scripts/held",
    method: "DELETE",
    url: (s) => `/api/hostings/${s}/email/scripts/held`,
    body: { script: "matrix.php", reason: "matrix check" },
    ok: 200,
    perHosting: true,
  },
  {
    name: "POST email/selection",
    method: "POST",
    url: (s) => `/api/hostings/${s}/email/selection`,
    body: { filter: { status: "held" }, action: "count" },
    ok: 200,
    perHosting: true,
  },
  {
    name: "GET email/jobs",
    method: "GET",
    url: (s) => `/api/hostings/${s}/email/jobs`,
    ok: 200,
    perHosting: true,
  },
  {
    name: "GET email/jobs/:jobId",
    method: "GET",
    url: (s) => `/api/hostings/${s}/email/jobs/${jobId}`,
    ok: 200,
    perHosting: true,
  },
  {
    name: "GET email/errors",
    method: "GET",
    url: (s) => `/api/hostings/${s}/email/errors`,
    ok: 200,
    perHosting: true,
  },
  {
    name: "GET email/volumes",
    method: "GET",
    url: (s) => `/api/hostings/${s}/email/volumes?days=7`,
    ok: 200,
    perHosting: true,
  },
  {
    name: "GET email/reports",
    method: "GET",
    url: (s) => `/api/hostings/${s}/email/reports?limit=5`,
    ok: 200,
    perHosting: true,
  },
  {
    name: "GET email/history",
    method: "GET",
    url: (s) => `/api/hostings/${s}/email/history`,
    ok: 200,
    perHosting: true,
  },
  {
    name: "POST email/test",
    method: "POST",
    url: (s) => `/api/hostings/${s}/email/test`,
    body: { to: "someone@example.com" },
    ok: 202,
    perHosting: true,
  },
  {
    name: "GET email/refusals",
    method: "GET",
    url: (s) => `/api/hostings/${s}/email/refusals?days=7`,
    ok: 200,
    perHosting: true,
  },
  {
    name: "GET email/suppressions",
    method: "GET",
    url: (s) => `/api/hostings/${s}/email/suppressions?q=gone`,
    ok: 200,
    perHosting: true,
  },
  {
    name: "DELETE email/suppressions/{address}",
    method: "DELETE",
    url: (s) => `/api/hostings/${s}/email/suppressions/gone@example.com`,
    body: { reason: "matrix check" },
    ok: 204,
    perHosting: true,
  },
  {
    name: "PUT email/daily-limit",
    method: "PUT",
    url: (s) => `/api/hostings/${s}/email/daily-limit`,
    body: { maxPerDay: 1000, reason: "matrix check" },
    ok: 200,
    perHosting: true,
    supportOnly: true,
  },
  {
    name: "GET sender-domains",
    method: "GET",
    url: (s) => `/api/hostings/${s}/sender-domains`,
    ok: 200,
    perHosting: true,
  },
  {
    name: "POST sender-domains",
    method: "POST",
    url: (s) => `/api/hostings/${s}/sender-domains`,
    body: { add: ["matrix.example.net"], reason: "matrix check" },
    ok: 200,
    perHosting: true,
    supportOnly: true,
  },
  {
    name: "GET /api/account/sessions",
    method: "GET",
    url: () => "/api/account/sessions",
    ok: 200,
    perHosting: false,
  },
  {
    name: "GET email/sending-settings",
    method: "GET",
    url: (s) => `/api/hostings/${s}/email/sending-settings`,
    ok: 200,
    perHosting: true,
  },
  {
    name: "POST email/smtp-password",
    method: "POST",
    url: (s) => `/api/hostings/${s}/email/smtp-password`,
    body: { reason: "matrix check" },
    ok: 200,
    perHosting: true,
  },
  {
    name: "GET hosting audit",
    method: "GET",
    url: (s) => `/api/hostings/${s}/audit`,
    ok: 200,
    perHosting: true,
  },
  {
    name: "GET /api/audit",
    method: "GET",
    url: (s) => `/api/audit?serviceName=${s}`,
    ok: 200,
    perHosting: false,
    supportOnly: true,
  },
  {
    name: "GET /api/fleet/summary",
    method: "GET",
    url: () => "/api/fleet/summary",
    ok: 200,
    perHosting: false,
    hiddenFromCustomers: true,
  },
  {
    name: "GET notes",
    method: "GET",
    url: (s) => `/api/hostings/${s}/notes`,
    ok: 200,
    perHosting: true,
    hiddenFromCustomers: true,
  },
  {
    name: "POST notes",
    method: "POST",
    url: (s) => `/api/hostings/${s}/notes`,
    body: { body: "matrix check" },
    ok: 201,
    perHosting: true,
    hiddenFromCustomers: true,
  },
  {
    name: "DELETE notes/:noteId",
    method: "DELETE",
    url: (s) => `/api/hostings/${s}/notes/${NOTE_ID}`,
    ok: 204,
    perHosting: true,
    hiddenFromCustomers: true,
  },
];

const roles: Role[] = ["anonymous", "owner", "other", "support"];

function expected(role: Role, endpoint: Endpoint): Expect {
  if (role === "anonymous") return 401;
  if (role === "other" && endpoint.perHosting) return 404;
  if (role !== "support" && endpoint.hiddenFromCustomers) return 404;
  if (role !== "support" && endpoint.supportOnly) return 403;
  return "ok";
}

function sessionOf(role: Role): Session | null {
  return role === "anonymous" ? null : w[role];
}

const cases = endpoints.flatMap((endpoint) =>
  roles.map((role) => ({ endpoint, role, want: expected(role, endpoint) })),
);

describe("authorisation matrix", () => {
  it.each(cases)("$endpoint.name as $role -> $want", async ({ endpoint, role, want }) => {
    const res = await call(
      t.app,
      sessionOf(role),
      endpoint.method,
      endpoint.url(w.hosting.serviceName),
      endpoint.body,
    );
    if (want === "ok") {
      expect(res.statusCode, res.body).toBe(endpoint.ok);
    } else {
      expect(res.statusCode, res.body).toBe(want);
      const codes = { 401: "unauthenticated", 403: "forbidden", 404: "not_found" } as const;
      expect(errorCodeOf(res)).toBe(codes[want]);
    }
  });

  it.each(endpoints.filter((e) => e.perHosting))(
    "$name: another customer's hosting answers exactly like one that does not exist",
    async (endpoint) => {
      const hidden = await call(
        t.app,
        w.other,
        endpoint.method,
        endpoint.url(w.hosting.serviceName),
        endpoint.body,
      );
      const missing = await call(
        t.app,
        w.other,
        endpoint.method,
        endpoint.url("does-not-exist.example.org"),
        endpoint.body,
      );
      expect(hidden.statusCode).toBe(404);
      expect(missing.statusCode).toBe(404);
      const strip = (body: { error: unknown }) => body.error;
      expect(strip(hidden.json())).toEqual(strip(missing.json()));
    },
  );

  it("a customer lists only their own hostings; support lists and searches all", async () => {
    const own = await call(t.app, w.owner, "GET", "/api/hostings");
    expect(own.json().items.map((h: { serviceName: string }) => h.serviceName)).toEqual([
      w.hosting.serviceName,
    ]);
    const all = await call(t.app, w.support, "GET", "/api/hostings");
    const names = all.json().items.map((h: { serviceName: string }) => h.serviceName);
    expect(names).toEqual(
      expect.arrayContaining([w.hosting.serviceName, w.otherHosting.serviceName]),
    );
    const byOwner = await call(t.app, w.support, "GET", "/api/hostings?q=w-other@");
    expect(byOwner.json().items).toEqual([
      expect.objectContaining({
        serviceName: w.otherHosting.serviceName,
        ownerEmail: "w-other@example.com",
        state: "active",
      }),
    ]);
    const byName = await call(t.app, w.support, "GET", "/api/hostings?q=owner.example");
    expect(byName.json().items.map((h: { serviceName: string }) => h.serviceName)).toEqual([
      w.hosting.serviceName,
    ]);
  });

  it("a customer's search never reaches other customers' hostings", async () => {
    const res = await call(t.app, w.owner, "GET", "/api/hostings?q=other");
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toEqual([]);
  });

  it("a message of another hosting is not found through one's own hosting", async () => {
    const foreign = await insertMessage(t, w.otherHosting.id);
    const res = await call(
      t.app,
      w.owner,
      "GET",
      `/api/hostings/${w.hosting.serviceName}/email/messages/${foreign}`,
    );
    expect(res.statusCode).toBe(404);
    expect(errorCodeOf(res)).toBe("not_found");
  });
});
