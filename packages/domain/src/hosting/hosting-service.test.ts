import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM } from "../actor.ts";
import { createWorld, disposeWorld, errorCode, type World } from "../shared/test-fixtures.ts";

let w: World;

beforeAll(async () => {
  w = await createWorld();
  await w.services.hostings.create({
    serviceName: "shop.example.org",
    ownerEmail: "owner@example.org",
  });
  await w.services.hostings.create({
    serviceName: "blog.other.net",
    ownerEmail: "other@example.net",
  });
});
afterAll(async () => {
  await disposeWorld(w);
});

const names = (list: { items: Array<{ serviceName: string }> }) =>
  list.items.map((i) => i.serviceName);

describe("list", () => {
  it("a customer sees only their own hostings, ordered by service name", async () => {
    expect(names(await w.services.hostings.list(w.customer))).toEqual([
      "example.org",
      "shop.example.org",
    ]);
    expect(names(await w.services.hostings.list(w.other))).toEqual(["blog.other.net", "other.net"]);
    // a search never widens what a customer sees
    expect(names(await w.services.hostings.list(w.customer, { q: "other" }))).toEqual([]);
  });

  it("support sees all and searches service names and owner addresses, ignoring case", async () => {
    expect(names(await w.services.hostings.list(w.support))).toEqual([
      "blog.other.net",
      "example.org",
      "other.net",
      "shop.example.org",
    ]);
    expect(names(await w.services.hostings.list(w.support, { q: "SHOP" }))).toEqual([
      "shop.example.org",
    ]);
    expect(names(await w.services.hostings.list(w.support, { q: "Other@Example.NET" }))).toEqual([
      "blog.other.net",
      "other.net",
    ]);
    expect(names(await w.services.hostings.list(w.support, { q: "  " }))).toHaveLength(4);
    const [first] = (await w.services.hostings.list(w.support)).items;
    expect(first).toMatchObject({ ownerEmail: "other@example.net", state: "active" });
    expect(first?.createdAt).toBe("2026-03-10T12:00:00.000Z");
  });
});

describe("get", () => {
  it("not_found for another customer's hosting and for a missing one", async () => {
    expect((await w.services.hostings.get(w.customer, "example.org")).ownerEmail).toBe(
      "owner@example.org",
    );
    expect((await w.services.hostings.get(w.support, "example.org")).id).toBe(w.hosting.id);
    expect((await w.services.hostings.get(SYSTEM, "other.net")).id).toBe(w.otherHosting.id);
    expect(await errorCode(w.services.hostings.get(w.other, "example.org"))).toBe("not_found");
    expect(await errorCode(w.services.hostings.get(w.customer, "missing.org"))).toBe("not_found");
  });
});

describe("create", () => {
  it("needs an existing owner, a valid and unused service name", async () => {
    const create = (serviceName: string, ownerEmail = "owner@example.org") =>
      w.services.hostings.create({ serviceName, ownerEmail });
    expect(await errorCode(create("new.example.org", "ghost@example.org"))).toBe("not_found");
    expect(await errorCode(create("example.org"))).toBe("already_exists");
    expect(await errorCode(create("not a domain"))).toBe("validation_failed");
    expect(
      await errorCode(
        w.services.hostings.create({
          serviceName: "x.example.org",
          ownerEmail: "owner@example.org",
          reportRecipient: "bad",
        }),
      ),
    ).toBe("validation_failed");
    const created = await w.services.hostings.create({
      serviceName: "New.Example.org",
      ownerEmail: "OWNER@example.org",
      maxPerDay: 50,
    });
    expect(created).toMatchObject({
      serviceName: "new.example.org",
      ownerEmail: "owner@example.org",
      state: "active",
      maxPerDay: 50,
      reportRecipient: null,
    });
  });
});

describe("SMTP password", () => {
  it("is random (192 bits), stored as its SHA-256 only, verified, and replaced on reset", async () => {
    expect(await w.services.hostings.verifySmtpPassword("example.org", "anything")).toBeNull();
    const first = await w.services.hostings.resetSmtpPassword("example.org");
    expect(first.length).toBeGreaterThanOrEqual(24);
    const row = await w.db.prisma.hosting.findUniqueOrThrow({ where: { id: w.hosting.id } });
    expect(row.smtpPasswordHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.smtpPasswordHash).not.toContain(first);
    expect((await w.services.hostings.verifySmtpPassword("example.org", first))?.id).toBe(
      w.hosting.id,
    );
    expect(await w.services.hostings.verifySmtpPassword("other.net", first)).toBeNull();
    expect(await w.services.hostings.verifySmtpPassword("missing.org", first)).toBeNull();
    const second = await w.services.hostings.resetSmtpPassword("example.org");
    expect(second).not.toBe(first);
    expect(await w.services.hostings.verifySmtpPassword("example.org", first)).toBeNull();
    expect(await w.services.hostings.verifySmtpPassword("example.org", second)).not.toBeNull();
    expect(await errorCode(w.services.hostings.resetSmtpPassword("missing.org"))).toBe("not_found");
  });

  it("still accepts a password stored with argon2id by an earlier version", async () => {
    const { hash } = await import("@node-rs/argon2");
    await w.db.prisma.hosting.update({
      where: { id: w.hosting.id },
      data: { smtpPasswordHash: await hash("an-older-generated-password") },
    });
    expect(
      await w.services.hostings.verifySmtpPassword("example.org", "an-older-generated-password"),
    ).not.toBeNull();
    expect(await w.services.hostings.verifySmtpPassword("example.org", "wrong")).toBeNull();
  });
});

describe("ping", () => {
  it("answers true while the database answers", async () => {
    expect(await w.services.ping()).toBe(true);
  });
});
