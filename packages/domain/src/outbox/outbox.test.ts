import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { HOUR } from "../clock.ts";
import { IngestRepository } from "../queue/ingest-repository.ts";
import { parseMail } from "../report/report-testing.ts";
import { createWorld, disposeWorld, type World } from "../shared/test-fixtures.ts";
import { createOutbox } from "./outbox.ts";

let w: World;

beforeAll(async () => {
  w = await createWorld();
});
afterAll(async () => {
  await disposeWorld(w);
});
beforeEach(async () => {
  await w.db.prisma.message.deleteMany();
});

const mail = {
  from: "reports@hoster.example",
  fromName: "Scripts-email",
  to: "owner@example.org",
  subject: "Relatório de example.org",
  text: "Olá",
  date: new Date("2026-03-10T12:00:00.000Z"),
};

it("queues the product's own mail with no hosting, due at once, kept as long as held mail", async () => {
  // the outbox needs nothing but the message table: no service, no mail path
  const outbox = createOutbox({ repo: new IngestRepository(w.db), clock: w.clock, holdMs: HOUR });
  const queued = await outbox.send(mail);
  expect(queued.status).toBe("queued");
  const message = await w.db.prisma.message.findUniqueOrThrow({ where: { id: queued.id } });
  expect(message).toMatchObject({
    hostingId: null,
    source: "system",
    status: "queued",
    envelopeFrom: "reports@hoster.example",
    recipients: ["owner@example.org"],
    subject: "Relatório de example.org",
    acceptedAt: w.clock.now(),
    expiresAt: new Date(w.clock.now().getTime() + HOUR),
  });
  const parsed = parseMail(message.raw!);
  expect(parsed.subject).toBe("Relatório de example.org");
  expect(parsed.parts.get("text/plain")).toBe("Olá");
  expect(parsed.headers.get("auto-submitted")).toBe("auto-generated");
});

it("queues inside the caller's transaction: rolled back with it", async () => {
  await expect(
    w.db.prisma.$transaction(async (tx) => {
      await w.services.outbox.send(mail, tx);
      throw new Error("the caller's record failed");
    }),
  ).rejects.toThrow("the caller's record failed");
  expect(await w.db.prisma.message.count()).toBe(0);
  await w.services.outbox.enqueue({
    to: mail.to,
    from: mail.from,
    raw: Buffer.from("Subject: x\r\n\r\nx\r\n"),
  });
  expect(await w.db.prisma.message.count()).toBe(1);
});
