import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HOUR } from "../clock.ts";
import { createWorld, disposeWorld, errorCode, type World } from "../shared/test-fixtures.ts";
import { MAX_HELD_GROUPS } from "./held-groups-repository.ts";

let w: World;

interface Seed {
  status?: "held" | "queued" | "sent" | "purged";
  script?: string;
  subject?: string;
  recipients?: string[];
  spam?: boolean;
}

async function insert(hostingId: string, seeds: Seed[]): Promise<void> {
  const acceptedAt = w.clock.now();
  await w.db.prisma.message.createMany({
    data: seeds.map((seed, i) => ({
      id: randomUUID(),
      hostingId,
      envelopeFrom: "www-data@example.org",
      recipients: seed.recipients ?? [`r${i}@example.com`],
      subject: seed.subject ?? "Your order",
      size: 100,
      status: seed.status ?? "held",
      acceptedAt,
      expiresAt: new Date(acceptedAt.getTime() + 72 * HOUR),
      source: "sendmail" as const,
      script: seed.script ?? "order.php",
      spam: seed.spam ?? false,
    })),
  });
}

const times = (n: number, seed: Seed): Seed[] => Array.from({ length: n }, () => ({ ...seed }));

beforeAll(async () => {
  w = await createWorld();
  await insert(w.hosting.id, [
    // the hacked form: 5 held, 4 of them spam, to two domains each
    ...times(4, {
      script: "contact.php",
      subject: "Cheap pills",
      recipients: ["a@Victim.example", "b@victim.example", "c@other.example"],
      spam: true,
    }),
    { script: "contact.php", subject: "Cheap pills", recipients: ["d@victim.example"] },
    // the shop's order mail, held while the site is blocked
    ...times(3, { script: "order.php", subject: "Your order", recipients: ["e@shop.example"] }),
    // never grouped: not held
    ...times(6, { script: "order.php", status: "sent" }),
    ...times(2, { script: "contact.php", status: "queued" }),
    ...times(2, { script: "contact.php", status: "purged", spam: true }),
  ]);
  await insert(w.otherHosting.id, times(9, { script: "other.php" }));
});
afterAll(() => disposeWorld(w));

describe("held groups", () => {
  it("counts the held mail (spam included) by script, largest first", async () => {
    const groups = await w.services.heldGroups.list(w.customer, "example.org", { by: "script" });
    expect(groups.items).toEqual([
      { key: "contact.php", count: 5, spam: 4 },
      { key: "order.php", count: 3, spam: 0 },
    ]);
  });

  it("counts by subject", async () => {
    const groups = await w.services.heldGroups.list(w.support, "example.org", { by: "subject" });
    expect(groups.items).toEqual([
      { key: "Cheap pills", count: 5, spam: 4 },
      { key: "Your order", count: 3, spam: 0 },
    ]);
  });

  it("counts a message once in each of its recipients' domains, lower-cased", async () => {
    const groups = await w.services.heldGroups.list(w.customer, "example.org", { by: "domain" });
    expect(groups.items).toEqual([
      { key: "victim.example", count: 5, spam: 4 },
      { key: "other.example", count: 4, spam: 4 },
      { key: "shop.example", count: 3, spam: 0 },
    ]);
  });

  it("breaks ties by key and lists at most 100 groups", async () => {
    await insert(
      w.otherHosting.id,
      Array.from({ length: MAX_HELD_GROUPS + 5 }, (_, i) => ({
        script: `s${String(i).padStart(3, "0")}.php`,
      })),
    );
    const groups = await w.services.heldGroups.list(w.support, "other.net", { by: "script" });
    expect(groups.items).toHaveLength(MAX_HELD_GROUPS);
    expect(groups.items[0]).toEqual({ key: "other.php", count: 9, spam: 0 });
    expect(groups.items.slice(1, 3).map((g) => g.key)).toEqual(["s000.php", "s001.php"]);
    expect(groups.items.at(-1)?.key).toBe("s098.php");
  });

  it("answers an empty list when nothing is held", async () => {
    await w.services.hostings.create({
      serviceName: "empty.example",
      ownerEmail: w.customer.email,
    });
    const groups = await w.services.heldGroups.list(w.customer, "empty.example", { by: "domain" });
    expect(groups.items).toEqual([]);
  });

  it("hides another customer's hosting as if it did not exist", async () => {
    expect(
      await errorCode(w.services.heldGroups.list(w.other, "example.org", { by: "script" })),
    ).toBe("not_found");
    expect(
      await errorCode(w.services.heldGroups.list(w.other, "missing.example", { by: "script" })),
    ).toBe("not_found");
  });
});
