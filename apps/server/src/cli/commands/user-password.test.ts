import { createTestDatabase, type TestDatabase } from "@scripts-email/db/testing";
import { createServices, DomainError, type Services } from "@scripts-email/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CommandIo, runCommand, UsageError } from "../command.ts";
import { describeDomainError } from "../errors.ts";
import { userPassword } from "./user-password.ts";

let db: TestDatabase;
let services: Services;

beforeAll(async () => {
  db = await createTestDatabase();
  services = createServices({ db });
  await services.users.create({
    email: "ana@example.org",
    password: "old password",
    role: "customer",
  });
});
afterAll(async () => {
  await db?.dispose();
});

function capture(): CommandIo & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (l) => lines.push(l), err: () => undefined };
}

describe("user:password", () => {
  it("sets the password, ends every session and revokes every token, and is audited", async () => {
    const session = await services.auth.login("ana@example.org", "old password");
    const actor = {
      kind: "user" as const,
      userId: session.user.id,
      email: session.user.email,
      role: session.user.role,
      locale: session.user.locale,
    };
    const token = await services.auth.createApiToken(actor, "ci");

    const io = capture();
    await runCommand(
      userPassword,
      services,
      ["--email", "Ana@Example.org", "--password", "new password"],
      io,
    );
    expect(io.lines).toEqual([
      "Password of ana@example.org changed; 1 session ended, 1 API token revoked.",
    ]);
    expect(await services.auth.authenticateSession(session.sessionToken)).toBeNull();
    expect(await services.auth.authenticateToken(token.token)).toBeNull();
    await expect(services.auth.login("ana@example.org", "new password")).resolves.toBeDefined();
    const [entry] = await db.prisma.auditEntry.findMany({
      where: { action: "account.password_reset" },
    });
    expect(entry).toMatchObject({
      actorId: null,
      actorRole: "system",
      details: { email: "ana@example.org" },
    });
  });

  it("refuses a short password before opening anything, and names an unknown user", async () => {
    await expect(
      runCommand(
        userPassword,
        services,
        ["--email", "ana@example.org", "--password", "short"],
        capture(),
      ),
    ).rejects.toThrow(UsageError);
    const error = await runCommand(
      userPassword,
      services,
      ["--email", "nobody@example.org", "--password", "long enough"],
      capture(),
    ).catch((e) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(describeDomainError(error)).toBe("No user has this --email address.");
  });
});
