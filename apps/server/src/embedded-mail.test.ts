import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Database, migrate, openDatabase } from "@scripts-email/db";
import { seedEmbeddedDataDir } from "@scripts-email/db/testing";
import { createServices, type Services, SYSTEM } from "@scripts-email/domain";
import { createDeliveryWorker, createFileCapture } from "@scripts-email/mta";
import { afterAll, beforeAll, expect, it } from "vitest";

// The newcomer's default: the whole mail path on the embedded database (PGlite), whose driver
// adapter handles bytes and raw queries differently from PostgreSQL's.
let root: string;
let db: Database;
let services: Services;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "se-embedded-mail-"));
  await seedEmbeddedDataDir(path.join(root, "data"));
  db = await openDatabase({ dataDir: path.join(root, "data") });
  await migrate(db);
  services = createServices({ db });
  await services.users.create({
    email: "owner@example.org",
    password: "correct horse",
    role: "customer",
  });
  await services.hostings.create({ serviceName: "example.org", ownerEmail: "owner@example.org" });
}, 60_000);

afterAll(async () => {
  await db?.close();
  await rm(root, { recursive: true, force: true });
});

it("stores, shows and delivers mail on the embedded database", async () => {
  const sent = await services.email.sendTest(SYSTEM, "example.org", "reader@dest.test");
  expect(sent.status).toBe("queued");

  const detail = await services.messages.get(SYSTEM, "example.org", sent.id);
  expect(detail.headers?.find((h) => h.name === "To")?.value).toBe("reader@dest.test");

  const outbox = path.join(root, "outbox");
  expect(
    await createDeliveryWorker(services.mail.delivery, createFileCapture(outbox)).runOnce(),
  ).toBe(1);
  expect(await readdir(path.join(outbox, "example.org"))).toEqual([`${sent.id}.eml`]);
  expect((await services.email.status(SYSTEM, "example.org")).sent).toBe(1);
});

it("stores a batch of concurrent submissions and records their results", async () => {
  const hosting = await db.prisma.hosting.findUniqueOrThrow({
    where: { serviceName: "example.org" },
  });
  const raw = (n: number) =>
    Buffer.from(
      `Subject: batch ${n}\r\nX-PHP-Originating-Script: 33:form.php\r\n\r\nbody ${n}\r\n`,
    );
  const accepted = await Promise.all(
    [1, 2, 3].map((n) =>
      services.mail.ingest.accept({
        hostingId: hosting.id,
        envelopeFrom: "www-data@example.org",
        recipients: [`a${n}@dest.test`, `b${n}@dest.test`],
        raw: raw(n),
        source: "smtp",
      }),
    ),
  );
  expect(accepted.map((a) => a.status)).toEqual(["queued", "queued", "queued"]);

  const jobs = await services.mail.delivery.claim(10);
  expect(jobs.map((j) => j.recipients).sort()).toEqual([
    ["a1@dest.test", "b1@dest.test"],
    ["a2@dest.test", "b2@dest.test"],
    ["a3@dest.test", "b3@dest.test"],
  ]);
  expect(jobs.map((j) => j.raw.toString()).sort()).toEqual([raw(1), raw(2), raw(3)].map(String));
  await services.mail.delivery.complete(
    jobs.map((job) => ({
      job,
      recipients: job.recipients.map((recipient) => ({
        recipient,
        outcome: recipient.startsWith("a") ? ("delivered" as const) : ("failed" as const),
        code: recipient.startsWith("a") ? 250 : 550,
        text: recipient.startsWith("a") ? "250 ok" : "550 no such user",
      })),
    })),
  );
  const status = await services.email.status(SYSTEM, "example.org");
  expect(status.sent).toBe(4);
  expect(status.errors).toBe(3);
});

it("holds, purges and expires on the embedded database", async () => {
  await services.email.request(SYSTEM, "example.org", "block", "test");
  const held = await services.email.sendTest(SYSTEM, "example.org", "reader@dest.test");
  expect(held.status).toBe("held");
  await services.email.request(SYSTEM, "example.org", "purge", "test");
  expect(await services.email.runPurges()).toBe(1);
  expect((await services.email.status(SYSTEM, "example.org")).state).toBe("active");
  expect(await services.mail.delivery.expireHeld()).toBe(0);
});
