import { createTestDatabase, type TestDatabase } from "@scripts-email/db/testing";
import { createServices, DomainError, type Services, SYSTEM } from "@scripts-email/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CommandIo, runCommand, UsageError } from "../command.ts";
import { describeDomainError } from "../errors.ts";
import { COMMANDS } from "../registry.ts";
import { hostingDailyLimit } from "./hosting-daily-limit.ts";

let db: TestDatabase;
let services: Services;

beforeAll(async () => {
  db = await createTestDatabase();
  services = createServices({ db });
  await services.users.create({
    email: "ana@example.org",
    password: "long enough",
    role: "customer",
  });
  await services.hostings.create({
    serviceName: "example.org",
    ownerEmail: "ana@example.org",
    maxPerDay: 1000,
  });
});
afterAll(async () => {
  await db?.dispose();
});

const run = async (args: string[]) => {
  const lines: string[] = [];
  const io: CommandIo = { out: (l) => lines.push(l), err: () => undefined };
  await runCommand(hostingDailyLimit, services, args, io);
  return lines;
};

describe("hosting:daily-limit", () => {
  it("is a registered command", () => {
    expect(COMMANDS).toContain(hostingDailyLimit);
  });

  it("changes the limit with a reason, audited with the old and new value", async () => {
    expect(
      await run(["--service-name", "Example.org", "--limit", "50", "--reason", "Ticket 7"]),
    ).toEqual(["The daily limit of example.org is now 50 (was 1000)."]);
    expect(
      await run(["--service-name", "example.org", "--limit", "50", "--reason", "again"]),
    ).toEqual(["The daily limit of example.org is already 50: nothing changed."]);
    expect((await services.hostings.get(SYSTEM, "example.org")).maxPerDay).toBe(50);
    const entries = await db.prisma.auditEntry.findMany({
      where: { action: "hosting.daily_limit" },
    });
    expect(entries.map((e) => [e.actorRole, e.reason, e.details])).toEqual([
      ["system", "Ticket 7", { from: 1000, to: 50 }],
    ]);
  });

  it.each([
    [["--limit", "5", "--reason", "x"], /--service-name is required/],
    [["--service-name", "example.org", "--reason", "x"], /--limit is required/],
    [["--service-name", "example.org", "--limit", "5"], /--reason is required/],
    [["--service-name", "example.org", "--limit=-5", "--reason", "x"], /--limit must be/],
    [["--service-name", "example.org", "--limit", "1e3", "--reason", "x"], /--limit must be/],
    [["--service-name", "example.org", "--limit", "1000001", "--reason", "x"], /--limit/],
    [["example.org", "5"], /Unexpected argument/],
  ])("refuses %j before touching the database", async (args, message) => {
    await expect(run(args)).rejects.toThrow(UsageError);
    await expect(run(args)).rejects.toThrow(message);
  });

  it("says when the hosting does not exist", async () => {
    const error = await run([
      "--service-name",
      "missing.org",
      "--limit",
      "5",
      "--reason",
      "x",
    ]).catch((e) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(describeDomainError(error)).toBe("No hosting has this service name.");
  });
});
