// The raw reads of the hot paths claim Prisma's Hosting type: each must answer every column of
// the model (but the omitted secret), as Prisma's own client would, on the real PostgreSQL.
import { Prisma, scalarFields } from "@scripts-email/db";
import { createTestDatabase, type TestDatabase } from "@scripts-email/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmailReadRepository } from "../email/email-read-repository.ts";
import { MessageRepository } from "../message/message-repository.ts";
import { HOSTING, HostingRepository, type HostingRow } from "./hosting-repository.ts";

let db: TestDatabase;
let expected: HostingRow;
const at = new Date("2026-03-10T12:00:00.123Z");

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 2 });
  const owner = await db.prisma.user.create({
    data: {
      email: "owner@example.org",
      passwordHash: "x",
      role: "customer",
      locale: "en",
      createdAt: at,
    },
  });
  // every column away from its default, so that a column read as null or [] would show
  const hosting = await db.prisma.hosting.create({
    data: {
      serviceName: "example.org",
      ownerId: owner.id,
      state: "blocked",
      blockedByRole: "support",
      stateReason: "spam",
      stateChangedAt: at,
      reportRecipient: "reports@example.org",
      maxPerDay: 77,
      smtpPasswordHash: "hash",
      alertWebhookUrl: "https://hooks.example.org/x",
      alertWebhookSecret: "whsec_x",
      senderDomains: ["example.net"],
      createdAt: new Date("2026-01-01T00:00:00.456Z"),
    },
  });
  expected = await db.prisma.hosting.findUniqueOrThrow({
    where: { id: hosting.id },
    include: { owner: { select: { email: true } } },
    omit: { alertWebhookSecret: true },
  });
});

afterAll(async () => {
  await db?.dispose();
});

/** Every model column the row claims is there, not undefined, and equal to Prisma's answer. */
function expectWholeRow(row: HostingRow | null | undefined): void {
  expect(row).toBeTruthy();
  const columns = scalarFields("Hosting").map((f) => f.name);
  for (const name of columns.filter((c) => c !== "alertWebhookSecret")) {
    expect(row, name).toHaveProperty(name);
    expect((row as unknown as Record<string, unknown>)[name], name).not.toBeUndefined();
  }
  // the webhook key stays out of every hosting read
  expect(row).not.toHaveProperty("alertWebhookSecret");
  expect(row).toEqual(expected);
}

describe("raw hosting reads answer every column of the schema", () => {
  it("selects exactly the model's columns but the secret, the ones Prisma's client lists", () => {
    expect([...HOSTING.fields].sort()).toEqual(
      Object.keys(Prisma.HostingScalarFieldEnum)
        .filter((c) => c !== "alertWebhookSecret")
        .sort(),
    );
  });

  it("by service name and by id, alone and inside a transaction", async () => {
    const hostings = new HostingRepository(db);
    expectWholeRow(await hostings.findByServiceName("example.org"));
    expectWholeRow(await hostings.findById(expected.id));
    expectWholeRow(await hostings.transaction((tx) => hostings.findById(expected.id, tx)));
    expectWholeRow(
      await hostings.transaction((tx) => hostings.findByServiceName("example.org", tx)),
    );
  });

  it("with the history, status, volumes, errors and message list of the hosting page", async () => {
    const hostings = new HostingRepository(db);
    const email = new EmailReadRepository(db);
    const messages = new MessageRepository(db);
    expectWholeRow((await hostings.historyOf("example.org", null, 10))?.hosting);
    const windows = { bounceStart: at, burstStart: at, burstCap: 1, spamStart: at, spamCap: 1 };
    expectWholeRow((await email.statusOf("example.org", expected.ownerId, at, windows))?.hosting);
    expectWholeRow((await email.volumesOf("example.org", null, at, at))?.hosting);
    expectWholeRow((await email.errorsOf("example.org", null, 10))?.hosting);
    expectWholeRow((await messages.pageOf("example.org", null, { take: 10 }))?.hosting);
  });
});
