import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SYSTEM } from "../actor.ts";
import { AuditRepository } from "../audit/audit-repository.ts";
import { createAuditService } from "../audit/audit-service.ts";
import { DomainError } from "../errors.ts";
import { HostingRepository } from "../hosting/hosting-repository.ts";
import {
  createWorld,
  disposeWorld,
  errorCode,
  insertMessages,
  resetWorld,
  statusCounts,
  type World,
} from "../shared/test-fixtures.ts";
import { UserRepository } from "../user/user-repository.ts";
import { requestTransition } from "./email-transition.ts";

let w: World;

beforeAll(async () => {
  w = await createWorld();
});
afterAll(async () => {
  await disposeWorld(w);
});

beforeEach(async () => {
  await resetWorld(w);
});

const hostingRow = () =>
  w.db.prisma.hosting.findUniqueOrThrow({ where: { serviceName: "example.org" } });

describe("panel actions", () => {
  it("block, purge and unblock walk the state machine and record history", async () => {
    const blocked = await w.services.email.request(w.customer, "example.org", "block", "spam?");
    expect(blocked).toMatchObject({
      state: "blocked",
      blockedBy: "customer",
      stateReason: "spam?",
    });
    expect(blocked.stateChangedAt).toBe(w.clock.now().toISOString());

    w.clock.advance(60_000);
    const unblocked = await w.services.email.request(w.customer, "example.org", "unblock");
    expect(unblocked).toMatchObject({ state: "active", blockedBy: null, stateReason: null });

    w.clock.advance(60_000);
    await w.services.email.request(w.customer, "example.org", "block");
    w.clock.advance(60_000);
    const purging = await w.services.email.request(w.customer, "example.org", "purge");
    expect(purging).toMatchObject({ state: "purging", blockedBy: "customer" });

    const history = await w.services.email.history(w.customer, "example.org");
    expect(history.map((h) => `${h.from}>${h.to}`)).toEqual([
      "blocked>purging",
      "active>blocked",
      "blocked>active",
      "active>blocked",
    ]);
    expect(history.at(-1)).toMatchObject({
      actorRole: "customer",
      actorEmail: "owner@example.org",
      reason: "spam?",
      at: "2026-03-10T12:00:00.000Z",
    });
    // customers' own blocks and unblocks are not audit-logged (support's are); a purge deletes
    // mail, so it is, whoever asks
    const audited = await w.db.prisma.auditEntry.findMany();
    expect(audited).toMatchObject([
      { action: "email.purge", actorRole: "customer", actorId: w.customer.userId },
    ]);
  });

  it.each([
    ["unblock", "active"],
    ["purge", "active"],
  ] as const)("refuses %s while %s with invalid_transition", async (action, state) => {
    const error = await w.services.email
      .request(w.customer, "example.org", action)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({
      code: "invalid_transition",
      params: { state },
      messageKey: `error.invalid_transition.${action}`,
    });
    expect((await hostingRow()).state).toBe("active");
    expect(await w.db.prisma.stateChange.count()).toBe(0);
  });

  it("refuses block and unblock while purging, and a second purge", async () => {
    await w.services.email.request(w.customer, "example.org", "block");
    await w.services.email.request(w.customer, "example.org", "purge");
    for (const action of ["block", "unblock", "purge"] as const) {
      expect(await errorCode(w.services.email.request(w.customer, "example.org", action))).toBe(
        "invalid_transition",
      );
    }
    expect((await hostingRow()).state).toBe("purging");
  });

  it("block answers without rewriting the queue; the hold job then marks the queued mail held", async () => {
    const h = w.hosting.id;
    await insertMessages(w.db, h, 3, { status: "queued" });
    await insertMessages(w.db, h, 2, { status: "sending" });
    await insertMessages(w.db, h, 1, { status: "sent" });
    await insertMessages(w.db, w.otherHosting.id, 2, { status: "queued" });
    const before = await w.db.prisma.message.findMany({ where: { hostingId: h } });

    await w.services.email.request(w.customer, "example.org", "block");
    expect(await statusCounts(w.db, h)).toEqual({ queued: 3, sending: 2, sent: 1 });

    expect(await w.services.email.runHolds(2)).toBe(3);
    expect(await statusCounts(w.db, h)).toEqual({ held: 3, sending: 2, sent: 1 });
    expect(await statusCounts(w.db, w.otherHosting.id)).toEqual({ queued: 2 });
    const status = await w.services.email.status(w.customer, "example.org");
    expect(status).toMatchObject({ held: 3, queued: 2 });
    const after = await w.db.prisma.message.findMany({ where: { hostingId: h } });
    for (const m of after) {
      const old = before.find((b) => b.id === m.id);
      expect(m.expiresAt).toEqual(old?.expiresAt);
    }
    expect(await w.services.email.runHolds()).toBe(0);
  });

  it("the hold job leaves an active hosting's queue alone", async () => {
    await insertMessages(w.db, w.hosting.id, 2, { status: "queued" });
    await w.services.email.request(w.customer, "example.org", "block");
    await w.services.email.request(w.customer, "example.org", "unblock");
    expect(await w.services.email.runHolds()).toBe(0);
    expect(await statusCounts(w.db, w.hosting.id)).toEqual({ queued: 2 });
  });

  it("unblock answers at once without touching held mail (the release job does)", async () => {
    await insertMessages(w.db, w.hosting.id, 4, { status: "queued" });
    await w.services.email.request(w.customer, "example.org", "block");
    await w.services.email.runHolds();
    await w.services.email.request(w.customer, "example.org", "unblock");
    expect(await statusCounts(w.db, w.hosting.id)).toEqual({ held: 4 });
  });

  it("support needs a reason, and its actions are audit-logged", async () => {
    for (const reason of [undefined, "", "   "]) {
      expect(
        await errorCode(w.services.email.request(w.support, "example.org", "block", reason)),
      ).toBe("reason_required");
    }
    expect((await hostingRow()).state).toBe("active");

    await w.services.email.request(w.support, "example.org", "block", "abuse report #42");
    const audit = await w.db.prisma.auditEntry.findMany();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: "email.block",
      hostingId: w.hosting.id,
      reason: "abuse report #42",
      actorRole: "support",
      actorId: w.support.userId,
    });
    const row = await hostingRow();
    expect(row).toMatchObject({ blockedByRole: "support", stateReason: "abuse report #42" });
  });

  it("a support block cannot be lifted or purged by the customer, but by support", async () => {
    await w.services.email.request(w.support, "example.org", "block", "abuse");
    for (const action of ["unblock", "purge"] as const) {
      const error = await w.services.email
        .request(w.customer, "example.org", action)
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "blocked_by_support" });
    }
    expect((await hostingRow()).state).toBe("blocked");
    const status = await w.services.email.request(w.support, "example.org", "unblock", "resolved");
    expect(status.state).toBe("active");
    expect(await w.db.prisma.auditEntry.count({ where: { action: "email.unblock" } })).toBe(1);
  });

  it("a block by the system (automatic rule) can be lifted by the customer", async () => {
    await w.services.email.request(SYSTEM, "example.org", "block", "bounce ratio 40%");
    expect((await w.services.email.status(w.customer, "example.org")).blockedBy).toBe("system");
    const status = await w.services.email.request(w.customer, "example.org", "unblock");
    expect(status.state).toBe("active");
  });

  it("history hides support staff from customers but not from support", async () => {
    await w.services.email.request(w.support, "example.org", "block", "abuse");
    await w.services.email.request(w.support, "example.org", "purge", "cleanup");
    await w.services.email.runPurges();
    const forCustomer = await w.services.email.history(w.customer, "example.org");
    const forSupport = await w.services.email.history(w.support, "example.org");
    expect(forCustomer.map((h) => [h.actorRole, h.actorEmail])).toEqual([
      ["system", null],
      ["support", null],
      ["support", null],
    ]);
    expect(forSupport.map((h) => [h.actorRole, h.actorEmail])).toEqual([
      ["system", null],
      ["support", "agent@hoster.test"],
      ["support", "agent@hoster.test"],
    ]);
  });

  it("another customer's hosting is not found, for every action", async () => {
    for (const action of ["block", "unblock", "purge"] as const) {
      expect(await errorCode(w.services.email.request(w.other, "example.org", action))).toBe(
        "not_found",
      );
    }
    expect(await errorCode(w.services.email.request(w.customer, "nope.example", "block"))).toBe(
      "not_found",
    );
    expect((await hostingRow()).state).toBe("active");
  });
});

describe("concurrency", () => {
  it("of 10 parallel blocks exactly one wins", async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () =>
        w.services.email.request(w.customer, "example.org", "block"),
      ),
    );
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r) => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost.map((r) => (r.reason as DomainError).code)).toEqual(
      Array(9).fill("invalid_transition"),
    );
    expect(await w.db.prisma.stateChange.count()).toBe(1);
  });

  it("customer and support blocking at once: one wins, one history entry", async () => {
    const results = await Promise.allSettled([
      w.services.email.request(w.customer, "example.org", "block"),
      w.services.email.request(w.support, "example.org", "block", "abuse"),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const changes = await w.db.prisma.stateChange.findMany();
    expect(changes).toHaveLength(1);
    expect((await hostingRow()).blockedByRole).toBe(changes[0]?.actorRole);
  });

  it("parallel block/unblock races leave a consistent history", async () => {
    let succeeded = 0;
    for (let round = 0; round < 5; round++) {
      const results = await Promise.allSettled(
        Array.from({ length: 12 }, (_, i) =>
          w.services.email.request(w.customer, "example.org", i % 2 ? "unblock" : "block"),
        ),
      );
      for (const r of results) {
        if (r.status === "fulfilled") succeeded++;
        else expect((r.reason as DomainError).code).toBe("invalid_transition");
      }
    }
    const changes = await w.db.prisma.stateChange.findMany();
    expect(changes).toHaveLength(succeeded);
    const blocks = changes.filter((c) => c.from === "active" && c.to === "blocked").length;
    const unblocks = changes.filter((c) => c.from === "blocked" && c.to === "active").length;
    expect(blocks + unblocks).toBe(changes.length);
    const { state } = await hostingRow();
    // a legal chain from active alternates, so it ends blocked iff it has one block more
    expect(blocks - unblocks).toBe(state === "blocked" ? 1 : 0);
  });

  it("a customer unblock racing a support re-block never lifts the support block", async () => {
    await w.services.email.request(w.customer, "example.org", "block");
    const hostings = new HostingRepository(w.db);
    // the customer's request read "blocked by customer"...
    const stale = await hostings.findByServiceName("example.org");
    // ...then, before it writes, support unblocks and blocks again
    await w.services.email.request(w.support, "example.org", "unblock", "checking");
    await w.services.email.request(w.support, "example.org", "block", "abuse");
    const deps = {
      hostings,
      audit: createAuditService({
        audit: new AuditRepository(w.db),
        users: new UserRepository(w.db),
        hostings,
        clock: w.clock,
      }),
      clock: w.clock,
    };
    for (const action of ["unblock", "purge"] as const) {
      const error = await requestTransition(deps, w.customer, stale!, action, undefined).catch(
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: "blocked_by_support" });
    }
    expect(await hostingRow()).toMatchObject({ state: "blocked", blockedByRole: "support" });
    expect(await w.db.prisma.stateChange.count()).toBe(3);
  });
});
