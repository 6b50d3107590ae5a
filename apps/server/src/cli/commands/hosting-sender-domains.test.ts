import { createTestDatabase, type TestDatabase } from "@scripts-email/db/testing";
import { createServices, DomainError, type Services } from "@scripts-email/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CommandIo, runCommand, UsageError } from "../command.ts";
import { describeDomainError } from "../errors.ts";
import { COMMANDS } from "../registry.ts";
import { hostingSenderDomains } from "./hosting-sender-domains.ts";

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
  await services.hostings.create({ serviceName: "example.org", ownerEmail: "ana@example.org" });
});
afterAll(async () => {
  await db?.dispose();
});

function capture(): CommandIo & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (l) => lines.push(l), err: () => undefined };
}

const run = async (args: string[]) => {
  const io = capture();
  await runCommand(hostingSenderDomains, services, args, io);
  return io.lines;
};

describe("hosting:sender-domains", () => {
  it("is a registered command", () => {
    expect(COMMANDS).toContain(hostingSenderDomains);
  });

  it("lists, adds and removes domains, normalised, and audits each change", async () => {
    expect(await run(["--service-name", "example.org"])).toEqual([
      "example.org may send from example.org and its subdomains",
      "No other sender domains.",
    ]);
    expect(
      await run([
        "--service-name",
        "Example.org",
        "--add",
        "Brand.COM, bücher.example",
        "--reason",
        "Ticket 7",
      ]),
    ).toEqual([
      "example.org may send from example.org and its subdomains",
      "Other sender domains (with their subdomains): brand.com, xn--bcher-kva.example",
    ]);
    const after = await run(["--service-name", "example.org", "--remove", "brand.com"]);
    expect(after[1]).toBe("Other sender domains (with their subdomains): xn--bcher-kva.example");

    const entries = await db.prisma.auditEntry.findMany({
      where: { action: "hosting.sender_domains" },
      orderBy: [{ at: "asc" }, { id: "asc" }],
    });
    expect(entries.map((e) => [e.actorRole, e.reason, e.details])).toEqual([
      [
        "system",
        "Ticket 7",
        {
          added: ["brand.com", "xn--bcher-kva.example"],
          removed: [],
          domains: ["brand.com", "xn--bcher-kva.example"],
        },
      ],
      ["system", null, { added: [], removed: ["brand.com"], domains: ["xn--bcher-kva.example"] }],
    ]);
  });

  it.each([
    [["--add", "x.com"], /--service-name is required/],
    [
      ["--service-name", "example.org", "--add", "*.brand.com"],
      /--add "\*\.brand\.com" is not a domain/,
    ],
    [["--service-name", "example.org", "--remove", "127.1"], /--remove "127\.1" is not a domain/],
    [["--service-name", "example.org", "--add", ","], /--add needs a domain/],
  ])("refuses %j before touching the database", async (args, message) => {
    await expect(run(args)).rejects.toThrow(UsageError);
    await expect(run(args)).rejects.toThrow(message);
  });

  it("says when the hosting does not exist", async () => {
    const error = await run(["--service-name", "missing.org", "--add", "a.com"]).catch((e) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(describeDomainError(error)).toBe("No hosting has this service name.");
  });
});
