// The conditional update behind every transition, in plain SQL since issue 13: what it keeps,
// what it clears, and when it refuses.
import { createTestDatabase, type TestDatabase } from "@scripts-email/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HostingRepository } from "./hosting-repository.ts";

let db: TestDatabase;
let hostings: HostingRepository;
let id: string;
const at = new Date("2026-03-10T12:00:00.123Z");

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 2 });
  hostings = new HostingRepository(db);
  const owner = await db.prisma.user.create({
    data: { email: "o@example.org", passwordHash: "x", role: "customer", locale: "en" },
  });
  id = (
    await hostings.create({
      serviceName: "example.org",
      ownerId: owner.id,
      reportRecipient: null,
      maxPerDay: 10,
      at,
    })
  ).id;
});

afterAll(async () => {
  await db?.dispose();
});

const base = {
  blockedByRole: undefined,
  stateReason: undefined,
  blockCause: undefined,
  unlessBlockedBySupport: false,
};

describe("HostingRepository.transition", () => {
  it("applies only from the expected state, and sets what it is given", async () => {
    const later = new Date(at.getTime() + 1000);
    expect(await hostings.transition({ ...base, id, from: "blocked", to: "active", at })).toBe(
      false,
    );
    expect(
      await hostings.transition({
        ...base,
        id,
        from: "active",
        to: "blocked",
        at: later,
        blockedByRole: "support",
        blockCause: "support",
        stateReason: "spam",
      }),
    ).toBe(true);
    expect(await hostings.findById(id)).toMatchObject({
      state: "blocked",
      stateChangedAt: later,
      blockedByRole: "support",
      stateReason: "spam",
    });
  });

  it("keeps the role and reason it is not given, and refuses a customer lifting a support block", async () => {
    const purge = { ...base, id, from: "blocked" as const, to: "purging" as const, at };
    expect(await hostings.transition({ ...purge, unlessBlockedBySupport: true })).toBe(false);
    expect(await hostings.transition(purge)).toBe(true);
    expect(await hostings.findById(id)).toMatchObject({
      state: "purging",
      blockedByRole: "support",
      stateReason: "spam",
    });
    const finish = { id, from: "purging" as const, to: "active" as const, at };
    expect(
      await hostings.transition({
        ...finish,
        blockedByRole: null,
        stateReason: null,
        blockCause: null,
        unlessBlockedBySupport: false,
      }),
    ).toBe(true);
    expect(await hostings.findById(id)).toMatchObject({
      state: "active",
      blockedByRole: null,
      stateReason: null,
      blockCause: null,
    });
  });

  it("records a state change Prisma reads back whole", async () => {
    const change = {
      from: "active" as const,
      to: "blocked" as const,
      at,
      actorId: null,
      actorRole: "system" as const,
      reason: "rule",
    };
    await hostings.addStateChange(id, change);
    const rows = await db.prisma.stateChange.findMany({ where: { hostingId: id } });
    expect(rows).toEqual([{ id: expect.any(String), hostingId: id, ...change }]);
  });

  it("writes the settings, an empty list of sender domains too, alone and in a transaction", async () => {
    await hostings.setReportRecipient(id, "r@example.org");
    await hostings.transaction(async (tx) => {
      await hostings.setAlertWebhookUrl(id, "https://hooks.example.org/a", tx);
      expect(await hostings.lockSenderDomains(id, tx)).toEqual([]);
      await hostings.setSenderDomains(id, ["example.net", "example.com"], tx);
    });
    expect(await hostings.findById(id)).toMatchObject({
      reportRecipient: "r@example.org",
      alertWebhookUrl: "https://hooks.example.org/a",
      senderDomains: ["example.net", "example.com"],
    });
    await hostings.setSenderDomains(id, []);
    await hostings.setAlertWebhookUrl(id, null);
    expect(await hostings.findById(id)).toMatchObject({ alertWebhookUrl: null, senderDomains: [] });
  });
});
