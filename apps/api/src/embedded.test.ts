import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Database, migrate, openDatabase } from "@scripts-email/db";
import { createTestDatabase, seedEmbeddedDataDir } from "@scripts-email/db/testing";
import { createServices, HOUR, ManualClock, recountOutcomes } from "@scripts-email/domain";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "./app.ts";
import { PASSWORD } from "./testing/fixtures.ts";

// The hosting page's reads and the request authentication run as plain SQL, which goes to
// node-postgres on PostgreSQL and through Prisma's raw queries on the embedded database (PGlite):
// both must answer the same thing.

interface Panel {
  app: FastifyInstance;
  bearer: string;
  cookie: string;
  close(): Promise<void>;
}

const SERVICE = "example.org";
const base = `/api/hostings/${SERVICE}/email`;
const CALLS = [
  base,
  `${base}/messages?status=held&limit=2`,
  `${base}/messages`,
  `${base}/errors`,
  `${base}/volumes?days=5`,
  `${base}/history`,
  `${base}/history?limit=1`,
];

async function openPanel(db: Database): Promise<Panel> {
  const clock = new ManualClock("2026-03-10T12:00:00.000Z");
  const services = createServices({ db, clock });
  const owner = await services.users.create({
    email: "owner@example.org",
    password: PASSWORD,
    role: "customer",
  });
  const hosting = await services.hostings.create({
    serviceName: SERVICE,
    ownerEmail: owner.email,
    reportRecipient: owner.email,
  });
  const actor = {
    kind: "user",
    userId: owner.id,
    email: owner.email,
    role: "customer",
    locale: "en",
  } as const;
  const { token } = await services.auth.createApiToken(actor, "panel");
  const { sessionToken } = await services.auth.login(owner.email, PASSWORD);

  const statuses = ["held", "held", "held", "queued", "sent"] as const;
  for (const [i, status] of statuses.entries()) {
    const acceptedAt = new Date(clock.now().getTime() - (i + 1) * HOUR);
    const message = await db.prisma.message.create({
      data: {
        hostingId: hosting.id,
        envelopeFrom: "site@example.org",
        recipients: [`r${i}@dest.test`, "all@dest.test"],
        subject: `message ${i}`,
        size: 100 + i,
        status,
        attempts: i,
        acceptedAt,
        expiresAt: new Date(acceptedAt.getTime() + 72 * HOUR),
        nextAttemptAt: status === "queued" ? acceptedAt : null,
        source: "sendmail",
      },
    });
    if (status === "sent") {
      await db.prisma.deliveryEvent.create({
        data: {
          hostingId: hosting.id,
          messageId: message.id,
          recipient: `r${i}@dest.test`,
          at: acceptedAt,
          outcome: "failed",
          smtpCode: 550,
          text: "5.1.1 user unknown",
        },
      });
    }
  }
  // written straight, not by a delivery round: the per-minute outcomes are rebuilt from them
  await recountOutcomes(db.sql);
  await db.prisma.dailyVolume.createMany({
    data: [
      {
        hostingId: hosting.id,
        day: new Date("2026-03-10"),
        sent: 3_000_000_000 % 2 ** 31,
        errors: 1,
      },
      { hostingId: hosting.id, day: new Date("2026-03-08"), sent: 2_000_000_000, errors: 2 },
    ],
  });
  await services.email.request(actor, SERVICE, "block");
  clock.advance(60_000);

  const app = await buildApp({ services, config: { cookieSecure: true } });
  return {
    app,
    bearer: token,
    cookie: `se_session=${sessionToken}`,
    close: () => app.close(),
  };
}

/** The answers, without what differs between two databases by construction (generated ids). */
async function answers(panel: Panel, headers: Record<string, string>) {
  const out: Record<string, unknown> = {};
  for (const url of CALLS) {
    const res = await panel.app.inject({ method: "GET", url, headers });
    expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    out[url] = JSON.parse(res.body.replace(/"(id|nextCursor)":"[^"]*"/g, '"$1":"…"'));
  }
  return out;
}

describe("the hosting page on both databases", () => {
  let root: string;
  let embedded: Database;
  let postgres: Awaited<ReturnType<typeof createTestDatabase>>;
  let onEmbedded: Panel;
  let onPostgres: Panel;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), "se-api-embedded-"));
    await seedEmbeddedDataDir(path.join(root, "data"));
    embedded = await openDatabase({ dataDir: path.join(root, "data") });
    await migrate(embedded);
    postgres = await createTestDatabase();
    onEmbedded = await openPanel(embedded);
    onPostgres = await openPanel(postgres);
  }, 90_000);

  afterAll(async () => {
    await onEmbedded?.close();
    await onPostgres?.close();
    await embedded?.close();
    await postgres?.dispose();
    await rm(root, { recursive: true, force: true });
  });

  it("answers the same, signed in by bearer token or by session cookie", async () => {
    const expected = await answers(onPostgres, { authorization: `Bearer ${onPostgres.bearer}` });
    expect(expected[base]).toMatchObject({
      state: "blocked",
      sent: 2_000_000_000 + (3_000_000_000 % 2 ** 31),
      sentToday: 3_000_000_000 % 2 ** 31,
      errors: 3,
      held: 3,
      queued: 1,
      nextExpiry: "2026-03-13T09:00:00.000Z",
    });
    expect(expected[`${base}/volumes?days=5`]).toEqual([
      { date: "2026-03-06", sent: 0, errors: 0 },
      { date: "2026-03-07", sent: 0, errors: 0 },
      { date: "2026-03-08", sent: 2_000_000_000, errors: 2 },
      { date: "2026-03-09", sent: 0, errors: 0 },
      { date: "2026-03-10", sent: 3_000_000_000 % 2 ** 31, errors: 1 },
    ]);
    expect(expected[`${base}/history`]).toEqual([
      {
        id: "…",
        from: "active",
        to: "blocked",
        at: "2026-03-10T12:00:00.000Z",
        actorRole: "customer",
        actorEmail: "owner@example.org",
        reason: null,
      },
    ]);
    expect(expected[`${base}/errors`]).toEqual([
      {
        date: "2026-03-10T07:00:00.000Z",
        recipient: "r4@dest.test",
        code: 550,
        message: "5.1.1 user unknown",
        outcome: "failed",
      },
    ]);
    expect(expected[`${base}/messages?status=held&limit=2`]).toMatchObject({
      items: [
        {
          subject: "message 0",
          acceptedAt: "2026-03-10T11:00:00.000Z",
          expiresAt: "2026-03-13T11:00:00.000Z",
          nextAttemptAt: null,
        },
        { subject: "message 1" },
      ],
      nextCursor: "…",
    });
    expect(expected[`${base}/messages`]).toMatchObject({
      items: expect.arrayContaining([
        expect.objectContaining({ status: "queued", nextAttemptAt: "2026-03-10T08:00:00.000Z" }),
      ]),
    });

    expect(await answers(onEmbedded, { authorization: `Bearer ${onEmbedded.bearer}` })).toEqual(
      expected,
    );
    expect(await answers(onEmbedded, { cookie: onEmbedded.cookie })).toEqual(expected);
    expect(await answers(onPostgres, { cookie: onPostgres.cookie })).toEqual(expected);
  });

  it("pages on with the cursor on the embedded database", async () => {
    const first = await onEmbedded.app.inject({
      method: "GET",
      url: `${base}/messages?status=held&limit=2`,
      headers: { cookie: onEmbedded.cookie },
    });
    const next = await onEmbedded.app.inject({
      method: "GET",
      url: `${base}/messages?status=held&limit=2&cursor=${first.json().nextCursor}`,
      headers: { cookie: onEmbedded.cookie },
    });
    expect(next.json()).toMatchObject({ items: [{ subject: "message 2" }], nextCursor: null });
  });
});
