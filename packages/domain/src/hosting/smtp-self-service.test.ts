import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SYSTEM } from "../actor.ts";
import { createWorld, disposeWorld, errorCode, type World } from "../shared/test-fixtures.ts";
import { buildSendingSettings, SENDMAIL_BIN, sendingSettingsText } from "./sending-settings.ts";

let w: World;
const endpoint = { host: "127.0.0.1", port: 2600, sendmailBin: "/opt/se/bin/sendmail" };

beforeAll(async () => {
  w = await createWorld();
});
afterAll(async () => {
  await disposeWorld(w);
});
beforeEach(async () => {
  await w.db.prisma.auditEntry.deleteMany();
});

describe("changeSmtpPassword", () => {
  it("lets the owner reset their hosting's password: the old one is refused at once", async () => {
    const old = await w.services.hostings.resetSmtpPassword("example.org");
    const password = await w.services.hostings.changeSmtpPassword(w.customer, "example.org");
    expect(password).toHaveLength(32);
    expect(password).not.toBe(old);
    expect(await w.services.hostings.verifySmtpPassword("example.org", old)).toBeNull();
    expect(await w.services.hostings.verifySmtpPassword("example.org", password)).toMatchObject({
      serviceName: "example.org",
    });
    const audit = await w.db.prisma.auditEntry.findMany();
    expect(audit).toMatchObject([
      {
        actorId: w.customer.userId,
        actorRole: "customer",
        action: "hosting.smtp_password",
        hostingId: w.hosting.id,
        reason: null,
      },
    ]);
    expect(JSON.stringify(audit)).not.toContain(password);
  });

  it("needs support's reason, and hides others' hostings from customers", async () => {
    const before = await w.services.hostings.resetSmtpPassword("other.net");
    expect(await errorCode(w.services.hostings.changeSmtpPassword(w.customer, "other.net"))).toBe(
      "not_found",
    );
    expect(await errorCode(w.services.hostings.changeSmtpPassword(w.support, "other.net"))).toBe(
      "reason_required",
    );
    expect(await w.services.hostings.verifySmtpPassword("other.net", before)).not.toBeNull();
    expect(await w.db.prisma.auditEntry.count()).toBe(0);
    await w.services.hostings.changeSmtpPassword(w.support, "other.net", "ticket 42: leaked");
    expect(await w.services.hostings.verifySmtpPassword("other.net", before)).toBeNull();
    expect(await w.db.prisma.auditEntry.findMany()).toMatchObject([
      { actorRole: "support", action: "hosting.smtp_password", reason: "ticket 42: leaked" },
    ]);
  });
});

describe("sendingSettings", () => {
  it("builds the PHP, msmtp and SMTP client settings for a visible hosting, never a password", async () => {
    const password = await w.services.hostings.resetSmtpPassword("example.org");
    const settings = await w.services.hostings.sendingSettings(w.customer, "example.org", endpoint);
    expect(settings).toEqual(buildSendingSettings("example.org", endpoint));
    expect(settings).toMatchObject({
      user: "example.org",
      host: "127.0.0.1",
      port: 2600,
      phpSendmailPath: 'sendmail_path = "/opt/se/bin/sendmail -t -i"',
      phpSendmailEnvironment:
        "SCRIPTS_EMAIL_HOST=127.0.0.1 SCRIPTS_EMAIL_PORT=2600 SCRIPTS_EMAIL_USER=example.org SCRIPTS_EMAIL_PASSWORD=<password>",
      passwordFile: "/path/to/example.org.smtp-password",
    });
    expect(settings.msmtpSendmailPath).toContain(
      "--host=127.0.0.1 --port=2600 --tls=off --auth=plain --user=example.org --passwordeval='cat /path/to/example.org.smtp-password'",
    );
    expect(settings.smtpClient).toContain("user name: example.org");
    expect(JSON.stringify(settings)).not.toContain(password);
    // the CLI's text is made of the same settings
    const text = sendingSettingsText(settings).join("\n");
    expect(text).toContain(settings.msmtpSendmailPath);
    expect(text).toContain(settings.phpSendmailPath);
    expect(
      await errorCode(w.services.hostings.sendingSettings(w.customer, "other.net", endpoint)),
    ).toBe("not_found");
    expect(await w.services.hostings.sendingSettings(SYSTEM, "other.net", endpoint)).toMatchObject({
      user: "other.net",
    });
  });

  it("points at this checkout's sendmail command", () => {
    expect(SENDMAIL_BIN).toMatch(/apps\/mta\/bin\/sendmail$/);
  });
});

describe("the hosting's activity log", () => {
  it("shows the owner their hosting's changes, support's as Support; others' are not found", async () => {
    await w.services.email.updateSettings(w.customer, "example.org", {
      reportRecipient: "ops@example.org",
    });
    w.clock.advance(1_000);
    await w.services.hostings.changeSmtpPassword(w.support, "example.org", "asked by phone");
    await w.services.hostings.changeSmtpPassword(w.other, "other.net");
    const owner = await w.services.audit.listForHosting(w.customer, "example.org", 50);
    expect(owner).toEqual([
      {
        at: "2026-03-10T12:00:01.000Z",
        actorEmail: null,
        actorRole: "support",
        action: "hosting.smtp_password",
        reason: "asked by phone",
      },
      {
        at: "2026-03-10T12:00:00.000Z",
        actorEmail: "owner@example.org",
        actorRole: "customer",
        action: "email.report_recipient",
        reason: null,
      },
    ]);
    const bySupport = await w.services.audit.listForHosting(w.support, "example.org", 1);
    expect(bySupport).toMatchObject([{ actorEmail: "agent@hoster.test" }]);
    expect(await errorCode(w.services.audit.listForHosting(w.customer, "other.net", 50))).toBe(
      "not_found",
    );
    expect(await errorCode(w.services.audit.listForHosting(w.customer, "absent.example", 50))).toBe(
      "not_found",
    );
  });
});
