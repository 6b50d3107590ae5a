import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { createTestDatabase, type TestDatabase } from "@scripts-email/db/testing";
import { createServices, DomainError, type Services, SYSTEM } from "@scripts-email/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CommandIo, runCommand, UsageError } from "./command.ts";
import { hostingCreate } from "./commands/hosting-create.ts";
import { hostingSmtpPassword } from "./commands/hosting-smtp-password.ts";
import { reportRun } from "./commands/report-run.ts";
import { userCreate } from "./commands/user-create.ts";
import { describeDomainError } from "./errors.ts";
import { EXIT, runCli } from "./run-cli.ts";

const ROOT = path.resolve(import.meta.dirname, "../../../..");

let db: TestDatabase;
let services: Services;

beforeAll(async () => {
  db = await createTestDatabase();
  services = createServices({ db });
});

afterAll(async () => {
  await db?.dispose();
});

function capture(): CommandIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

describe("user:create", () => {
  it("creates a user who can sign in", async () => {
    const io = capture();
    await runCommand(
      userCreate,
      services,
      [
        "--email",
        "Ana@Example.COM",
        "--password",
        "correct horse",
        "--role",
        "support",
        "--locale",
        "pt",
      ],
      io,
    );
    expect(io.lines[0]).toMatch(/^Created support user ana@example\.com \(id .+, locale pt\)\.$/);
    const session = await services.auth.login("ana@example.com", "correct horse");
    expect(session.user).toMatchObject({ email: "ana@example.com", role: "support", locale: "pt" });
  });

  it.each([
    [["--password", "long enough", "--role", "customer"], /--email is required/],
    [
      ["--email", "nope", "--password", "long enough", "--role", "customer"],
      /--email must be a valid e-mail address/,
    ],
    [
      ["--email", "a@example.org", "--password", "short", "--role", "customer"],
      /--password must be at least 8 characters/,
    ],
    [
      ["--email", "a@example.org", "--password", "long enough", "--role", "admin"],
      /--role must be one of customer, support/,
    ],
    [
      [
        "--email",
        "a@example.org",
        "--password",
        "long enough",
        "--role",
        "customer",
        "--locale",
        "de",
      ],
      /--locale must be one of en, pt, fr/,
    ],
    [["--email", "a@example.org", "--bogus"], /Unknown option '--bogus'/],
  ])("rejects bad input %o with a usage error", async (args, message) => {
    await expect(runCommand(userCreate, services, args, capture())).rejects.toThrow(UsageError);
    await expect(runCommand(userCreate, services, args, capture())).rejects.toThrow(message);
  });

  it("refuses a taken address", async () => {
    const args = [
      "--email",
      "twice@example.org",
      "--password",
      "long enough",
      "--role",
      "customer",
    ];
    await runCommand(userCreate, services, args, capture());
    const error = await runCommand(userCreate, services, args, capture()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(describeDomainError(error as DomainError)).toBe(
      "A user with this e-mail address already exists.",
    );
  });
});

describe("hosting:create and hosting:smtp-password", () => {
  beforeAll(async () => {
    await services.users.create({
      email: "owner@example.org",
      password: "long enough",
      role: "customer",
    });
  });

  it("creates a hosting for an existing owner", async () => {
    const io = capture();
    await runCommand(
      hostingCreate,
      services,
      [
        "--service-name",
        "Shop.Example.NET",
        "--owner",
        "owner@example.org",
        "--report-recipient",
        "alerts@example.org",
        "--max-per-day",
        "250",
      ],
      io,
    );
    expect(io.lines[0]).toBe(
      "Created hosting shop.example.net (owner owner@example.org, report recipient alerts@example.org, at most 250 messages a day).",
    );
    const hosting = await services.hostings.get(SYSTEM, "shop.example.net");
    expect(hosting).toMatchObject({
      ownerEmail: "owner@example.org",
      reportRecipient: "alerts@example.org",
      maxPerDay: 250,
    });
  });

  it("prints a new SMTP password that works, and the old one stops working", async () => {
    const first = capture();
    await runCommand(hostingSmtpPassword, services, ["--service-name", "shop.example.net"], first);
    const password = first.lines[0]?.match(
      /^New SMTP password for shop\.example\.net: (\S+)$/,
    )?.[1];
    expect(password).toBeDefined();
    expect(
      await services.hostings.verifySmtpPassword("shop.example.net", password!),
    ).not.toBeNull();

    await runCommand(
      hostingSmtpPassword,
      services,
      ["--service-name", "shop.example.net"],
      capture(),
    );
    expect(await services.hostings.verifySmtpPassword("shop.example.net", password!)).toBeNull();
  });

  it.each([
    [
      ["--owner", "owner@example.org", "--report-recipient", "a@example.org"],
      /--service-name is required/,
    ],
    [
      [
        "--service-name",
        "not a domain",
        "--owner",
        "owner@example.org",
        "--report-recipient",
        "a@example.org",
      ],
      /--service-name must be a domain-like service name/,
    ],
    [
      ["--service-name", "x.example.org", "--owner", "owner@example.org"],
      /--report-recipient is required/,
    ],
    [
      [
        "--service-name",
        "x.example.org",
        "--owner",
        "owner@example.org",
        "--report-recipient",
        "a@example.org",
        "--max-per-day",
        "many",
      ],
      /--max-per-day must be a whole number/,
    ],
    [
      [
        "--service-name",
        "x.example.org",
        "--owner",
        "owner@example.org",
        "--report-recipient",
        "a@example.org",
        "--max-per-day=-1",
      ],
      /--max-per-day must be 0 or more/,
    ],
  ])("rejects bad input %o with a usage error", async (args, message) => {
    await expect(runCommand(hostingCreate, services, args, capture())).rejects.toThrow(message);
  });

  it("explains an unknown owner, a taken service name and an unknown hosting", async () => {
    const unknownOwner = await runCommand(
      hostingCreate,
      services,
      [
        "--service-name",
        "x.example.org",
        "--owner",
        "nobody@example.org",
        "--report-recipient",
        "a@example.org",
      ],
      capture(),
    ).catch((e: unknown) => e as DomainError);
    expect(describeDomainError(unknownOwner as DomainError)).toMatch(
      /No user has the --owner address/,
    );

    const taken = await runCommand(
      hostingCreate,
      services,
      [
        "--service-name",
        "shop.example.net",
        "--owner",
        "owner@example.org",
        "--report-recipient",
        "a@example.org",
      ],
      capture(),
    ).catch((e: unknown) => e as DomainError);
    expect(describeDomainError(taken as DomainError)).toBe(
      "A hosting with this service name already exists.",
    );

    const missing = await runCommand(
      hostingSmtpPassword,
      services,
      ["--service-name", "absent.example.org"],
      capture(),
    ).catch((e: unknown) => e as DomainError);
    expect(describeDomainError(missing as DomainError)).toBe("No hosting has this service name.");
  });
});

describe("report:run", () => {
  const day = new Date("2026-01-05T00:00:00.000Z");

  beforeAll(async () => {
    await services.users.create({
      email: "reports-owner@example.org",
      password: "long enough",
      role: "customer",
    });
    const hosting = await services.hostings.create({
      serviceName: "errors.example.org",
      ownerEmail: "reports-owner@example.org",
    });
    const message = await db.prisma.message.create({
      data: {
        hostingId: hosting.id,
        envelopeFrom: "site@errors.example.org",
        recipients: ["gone@dest.test"],
        failed: ["gone@dest.test"],
        size: 10,
        status: "failed",
        expiresAt: new Date("2026-01-08T10:00:00.000Z"),
        acceptedAt: new Date("2026-01-05T10:00:00.000Z"),
        source: "sendmail",
      },
    });
    await db.prisma.deliveryEvent.create({
      data: {
        messageId: message.id,
        hostingId: hosting.id,
        recipient: "gone@dest.test",
        at: new Date("2026-01-05T10:00:01.000Z"),
        outcome: "failed",
        smtpCode: 550,
        text: "5.1.1 user unknown",
      },
    });
    await db.prisma.dailyVolume.create({ data: { hostingId: hosting.id, day, errors: 1 } });
  });

  const reportCount = () => db.prisma.reportRun.count({ where: { day } });
  const systemMail = () => db.prisma.message.count({ where: { source: "system" } });

  it("prints the report on a dry run, and sends nothing", async () => {
    const io = capture();
    await runCommand(reportRun, services, ["--date", "2026-01-05", "--dry-run"], io);
    const out = io.lines.join("\n");
    expect(out).toContain(
      "--- Report for errors.example.org to reports-owner@example.org (dry run, not sent) ---",
    );
    expect(out).toContain("Subject: Delivery errors of errors.example.org on 5 January 2026: 1");
    expect(out).toContain("gone@dest.test  550  5.1.1 user unknown");
    expect(await reportCount()).toBe(0);
    expect(await systemMail()).toBe(0);
  });

  it("sends a day's reports once, for every hosting or the one named", async () => {
    const other = capture();
    await runCommand(
      reportRun,
      services,
      ["--date", "2026-01-05", "--hosting", "shop.example.net"],
      other,
    );
    expect(other.lines).toEqual([
      "No delivery errors on 2026-01-05 for shop.example.net: no report.",
    ]);
    const io = capture();
    await runCommand(reportRun, services, ["--date", "2026-01-05"], io);
    expect(io.lines).toEqual([
      "Queued the report of 2026-01-05 for errors.example.org to reports-owner@example.org (1 error).",
    ]);
    const again = capture();
    await runCommand(
      reportRun,
      services,
      ["--date", "2026-01-05", "--hosting", "errors.example.org"],
      again,
    );
    expect(again.lines).toEqual([
      "The report of 2026-01-05 for errors.example.org was sent before: not sent again.",
    ]);
    expect(await reportCount()).toBe(1);
    expect(await systemMail()).toBe(1);
  });

  it.each([
    [[], /--date is required/],
    [["--date", "5/1/2026"], /--date must be a day as YYYY-MM-DD/],
    [["--date", "2026-02-30"], /--date must be a day that exists/],
    [["--date", "2026-01-05", "--hosting", "not a name"], /--hosting must be a domain-like/],
  ])("rejects %o with a usage error", async (args, message) => {
    await expect(runCommand(reportRun, services, args, capture())).rejects.toThrow(message);
  });
});

describe("the command line", () => {
  const env = () => ({ DATABASE_URL: db.url, LOG_LEVEL: "warn" });

  it("answers --help for itself and for each command without opening a database", async () => {
    const io = capture();
    expect(await runCli(["--help"], { DATABASE_URL: "not-a-url" }, io)).toBe(EXIT.ok);
    expect(io.lines.join("\n")).toMatch(
      /user:create[\s\S]*hosting:create[\s\S]*hosting:smtp-password[\s\S]*report:run/,
    );
    for (const name of ["user:create", "hosting:create", "hosting:smtp-password", "report:run"]) {
      const each = capture();
      expect(await runCli([name, "--help"], {}, each)).toBe(EXIT.ok);
      expect(each.lines[0]).toMatch(new RegExp(`^Usage: pnpm cli ${name} --`));
    }
  });

  it("exits 64 on a usage error and 1 on a failure, with a clear message", async () => {
    const none = capture();
    expect(await runCli([], env(), none)).toBe(EXIT.usage);
    const unknown = capture();
    expect(await runCli(["user:delete"], env(), unknown)).toBe(EXIT.usage);
    expect(unknown.errors[0]).toMatch(/^Unknown command "user:delete"/);
    const bad = capture();
    expect(await runCli(["user:create", "--email", "x"], env(), bad)).toBe(EXIT.usage);
    expect(bad.errors[0]).toBe("user:create: --email must be a valid e-mail address");

    const failing = capture();
    expect(
      await runCli(
        ["hosting:smtp-password", "--service-name", "absent.example.org"],
        env(),
        failing,
      ),
    ).toBe(EXIT.failure);
    expect(failing.errors).toEqual([
      "hosting:smtp-password failed: No hosting has this service name.",
    ]);
  });

  it("stops on a bad configuration, naming the variable", async () => {
    const io = capture();
    const args = ["hosting:smtp-password", "--service-name", "a.example.org"];
    expect(await runCli(args, { DATABASE_URL: "mysql://x/y" }, io)).toBe(EXIT.config);
    expect(io.errors[0]).toMatch(/^Invalid configuration: DATABASE_URL must be/);
  });

  it("runs as a real process against the configured database", async () => {
    const run = (args: string[]) =>
      promisify(execFile)("pnpm", ["exec", "tsx", "apps/server/src/cli/main.ts", ...args], {
        cwd: ROOT,
        env: { ...process.env, ...env() },
        timeout: 60_000,
      });
    const created = await run([
      "user:create",
      "--email",
      "spawned@example.org",
      "--password",
      "long enough",
      "--role",
      "customer",
    ]);
    expect(created.stdout).toMatch(/Created customer user spawned@example\.org/);
    expect(await services.users.findByEmail("spawned@example.org")).toMatchObject({
      role: "customer",
    });

    const failed = await run([
      "user:create",
      "--email",
      "spawned@example.org",
      "--password",
      "long enough",
      "--role",
      "customer",
    ]).catch((e: { code: number; stderr: string }) => e);
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toContain(
      "A user with this e-mail address already exists.",
    );

    const usage = await run(["user:create", "--role", "root"]).catch((e: { code: number }) => e);
    expect(usage).toMatchObject({ code: 64 });
  }, 90_000);
});
