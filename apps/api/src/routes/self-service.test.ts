import { SENDMAIL_BIN, SYSTEM } from "@scripts-email/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  call,
  createTestApp,
  errorCodeOf,
  login,
  type Session,
  seedWorld,
  type TestApp,
  type World,
} from "../testing/fixtures.ts";

let t: TestApp;
let w: World;

beforeAll(async () => {
  t = await createTestApp({
    config: { sending: { host: "127.0.0.1", port: 2600, loginCacheSeconds: 5 } },
  });
  w = await seedWorld(t, "ss");
});
afterAll(() => t?.close());

const settingsUrl = (s: string) => `/api/hostings/${s}/email/sending-settings`;
const resetUrl = (s: string) => `/api/hostings/${s}/email/smtp-password`;
const auditUrl = (s: string) => `/api/hostings/${s}/audit`;

describe("GET/DELETE /api/account/sessions", () => {
  it("lists the caller's sessions with this device marked, and ends another one", async () => {
    const here = await login(t.app, w.owner.me.email);
    const elsewhere = await login(t.app, w.owner.me.email);
    const res = await call(t.app, here, "GET", "/api/account/sessions");
    expect(res.statusCode).toBe(200);
    const list = res.json<Array<{ id: string; current: boolean; createdAt: string }>>();
    expect(list.filter((s) => s.current)).toHaveLength(1);
    expect(list.length).toBeGreaterThanOrEqual(3); // seedWorld's, here, elsewhere
    expect(res.body).not.toContain(here.cookie.split("=")[1]);
    const current = list.find((s) => s.current)!;

    // sessions are found by listing from the other device, whose own is marked there
    const fromElsewhere = (await call(t.app, elsewhere, "GET", "/api/account/sessions")).json<
      Array<{ id: string; current: boolean }>
    >();
    const elsewhereId = fromElsewhere.find((s) => s.current)!.id;
    expect(elsewhereId).not.toBe(current.id);

    const end = await call(t.app, here, "DELETE", `/api/account/sessions/${elsewhereId}`);
    expect(end.statusCode).toBe(204);
    expect((await call(t.app, elsewhere, "GET", "/api/me")).statusCode).toBe(401);
    expect((await call(t.app, here, "GET", "/api/me")).statusCode).toBe(200);
    const audit = await t.db.prisma.auditEntry.findMany({
      where: { action: "account.session_ended" },
    });
    expect(audit).toMatchObject([{ actorRole: "customer", details: { sessionId: elsewhereId } }]);
  });

  it("ending the current session signs this browser out; another user's is 404", async () => {
    const here = await login(t.app, w.owner.me.email);
    const theirs = await login(t.app, w.other.me.email);
    const theirId = (await call(t.app, theirs, "GET", "/api/account/sessions"))
      .json<Array<{ id: string; current: boolean }>>()
      .find((s) => s.current)!.id;
    const refused = await call(t.app, here, "DELETE", `/api/account/sessions/${theirId}`);
    expect(refused.statusCode).toBe(404);
    expect((await call(t.app, theirs, "GET", "/api/me")).statusCode).toBe(200);
    expect((await call(t.app, here, "DELETE", "/api/account/sessions/nope")).statusCode).toBe(400);

    const myId = (await call(t.app, here, "GET", "/api/account/sessions"))
      .json<Array<{ id: string; current: boolean }>>()
      .find((s) => s.current)!.id;
    const out = await call(t.app, here, "DELETE", `/api/account/sessions/${myId}`);
    expect(out.statusCode).toBe(204);
    expect(out.cookies.find((c) => c.name === "se_session")?.value).toBe("");
    expect((await call(t.app, here, "GET", "/api/me")).statusCode).toBe(401);
  });

  it("needs a signed-in user", async () => {
    expect((await call(t.app, null, "GET", "/api/account/sessions")).statusCode).toBe(401);
  });
});

describe("sending settings and the SMTP password", () => {
  it("gives the owner the settings, pointing at the configured listener, without a password", async () => {
    const res = await call(t.app, w.owner, "GET", settingsUrl(w.hosting.serviceName));
    expect(res.statusCode).toBe(200);
    const settings = res.json<Record<string, string>>();
    expect(settings).toMatchObject({ user: w.hosting.serviceName, port: 2600 });
    expect(settings.phpSendmailPath).toBe(`sendmail_path = "${SENDMAIL_BIN} -t -i"`);
    expect(settings.msmtpSendmailPath).toContain("--port=2600");
    // the CLI prints the same settings: one way to build them
    const cli = await t.services.hostings.sendingSettings(SYSTEM, w.hosting.serviceName, {
      host: "127.0.0.1",
      port: 2600,
      sendmailBin: SENDMAIL_BIN,
    });
    expect(settings).toEqual(cli);
    const others = await call(t.app, w.owner, "GET", settingsUrl(w.otherHosting.serviceName));
    expect(others.statusCode).toBe(404);
  });

  it("resets the password once: the new one works, the old one is refused, audited", async () => {
    const old = await t.services.hostings.resetSmtpPassword(w.hosting.serviceName);
    const res = await call(t.app, w.owner, "POST", resetUrl(w.hosting.serviceName), {});
    expect(res.statusCode).toBe(200);
    const body = res.json<{ password: string; oldPasswordRefusedWithinSeconds: number }>();
    expect(body.oldPasswordRefusedWithinSeconds).toBe(5);
    expect(await t.services.hostings.verifySmtpPassword(w.hosting.serviceName, old)).toBeNull();
    expect(
      await t.services.hostings.verifySmtpPassword(w.hosting.serviceName, body.password),
    ).not.toBeNull();
    // never in the settings read afterwards
    const settings = await call(t.app, w.owner, "GET", settingsUrl(w.hosting.serviceName));
    expect(settings.body).not.toContain(body.password);
    const audit = await t.db.prisma.auditEntry.findMany({
      where: { action: "hosting.smtp_password", hostingId: w.hosting.id },
    });
    expect(audit).toMatchObject([{ actorRole: "customer", reason: null }]);
    expect(JSON.stringify(audit)).not.toContain(body.password);
  });

  it("support resets with a reason only; another customer gets 404", async () => {
    const url = resetUrl(w.otherHosting.serviceName);
    const noReason = await call(t.app, w.support, "POST", url, {});
    expect(errorCodeOf(noReason)).toBe("reason_required");
    expect((await call(t.app, w.owner, "POST", url, {})).statusCode).toBe(404);
    const ok = await call(t.app, w.support, "POST", url, { reason: "ticket 7" });
    expect(ok.statusCode).toBe(200);
  });
});

describe("GET /api/hostings/{serviceName}/audit", () => {
  it("shows the owner their hosting's log, support as Support, and nobody else's", async () => {
    await call(t.app, w.owner, "PUT", `/api/hostings/${w.hosting.serviceName}/email`, {
      reportRecipient: "ops@example.org",
    }).then((r) => expect(r.statusCode).toBeLessThan(300));
    await call(t.app, w.support, "POST", resetUrl(w.hosting.serviceName), { reason: "asked" });
    const res = await call(t.app, w.owner, "GET", auditUrl(w.hosting.serviceName));
    expect(res.statusCode).toBe(200);
    const log = res.json<Array<{ actorEmail: string | null; actorRole: string; action: string }>>();
    expect(log[0]).toMatchObject({
      actorEmail: null,
      actorRole: "support",
      action: "hosting.smtp_password",
      reason: "asked",
    });
    expect(log.map((e) => e.action)).toContain("email.report_recipient");
    expect(res.body).not.toContain(w.support.me.email);
    const asSupport = await call(t.app, w.support, "GET", auditUrl(w.hosting.serviceName));
    expect(asSupport.json<Array<{ actorEmail: string | null }>>()[0]?.actorEmail).toBe(
      w.support.me.email,
    );
    const others = await call(t.app, w.other, "GET", auditUrl(w.hosting.serviceName));
    expect(others.statusCode).toBe(404);
  });

  it("records the owner's token creation and revocation with them", async () => {
    const who: Session = w.owner;
    const created = await call(t.app, who, "POST", "/api/tokens", { name: "deploy" });
    expect(created.statusCode).toBe(201);
    const id = created.json<{ id: string }>().id;
    expect((await call(t.app, who, "DELETE", `/api/tokens/${id}`)).statusCode).toBe(204);
    const audit = await t.db.prisma.auditEntry.findMany({
      where: { actorId: who.me.id, action: { startsWith: "account.token" } },
      orderBy: { id: "asc" },
    });
    expect(audit.map((a) => [a.action, a.actorRole])).toEqual([
      ["account.token_created", "customer"],
      ["account.token_revoked", "customer"],
    ]);
  });
});
