import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorld, disposeWorld, insertMessages, type World } from "../shared/test-fixtures.ts";

let w: World;
let id: string;

beforeAll(async () => {
  w = await createWorld();
  [id] = (await insertMessages(w.db, w.hosting.id, 1, { status: "sent" })) as [string];
});
afterAll(async () => {
  await disposeWorld(w);
});

describe("support's reads of a message", () => {
  it("records support's read of a message's detail in the hosting's log, not the owner's", async () => {
    await w.services.messages.get(w.customer, "example.org", id);
    expect(await w.db.prisma.auditEntry.count()).toBe(0);
    await w.services.messages.get(w.support, "example.org", id);
    expect(await w.db.prisma.auditEntry.findMany()).toMatchObject([
      {
        actorId: w.support.userId,
        actorRole: "support",
        action: "message.read_detail",
        hostingId: w.hosting.id,
        details: { messageId: id },
      },
    ]);
    const log = await w.services.audit.listForHosting(w.customer, "example.org", 10);
    expect(log).toMatchObject([
      { actorEmail: null, actorRole: "support", action: "message.read_detail" },
    ]);
  });
});
