import { createHash } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "@scripts-email/db/testing";
import { createServices, type Services, SYSTEM } from "@scripts-email/domain";
import { freePort } from "@scripts-email/harness/ports";
import { createMtaMetrics } from "@scripts-email/mta";
import nodemailer from "nodemailer";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config.ts";
import { createLog } from "../log.ts";
import type { RunningRole } from "../roles.ts";
import { startSmtpRole } from "./smtp-role.ts";

// The SMTP role as the server runs it, on PostgreSQL, spoken to over loopback: what its login
// cache may and may not remember. The cache's clock is the test's, so "after the TTL" is exact.
const TTL = 5_000;
let db: TestDatabase;
let services: Services;
let now = 1_000_000;
let lookupFails = false;
const lookups: string[] = [];

async function startRole(): Promise<{ role: RunningRole; port: number }> {
  const port = await freePort();
  const counted: Services = {
    ...services,
    hostings: {
      ...services.hostings,
      verifySmtpPassword: async (user, pass) => {
        lookups.push(user);
        if (lookupFails) throw new Error("database went away");
        return services.hostings.verifySmtpPassword(user, pass);
      },
    },
  };
  const config = loadConfig({ DATABASE_URL: db.url, SMTP_PORT: String(port), LOG_LEVEL: "silent" });
  const metrics = new Registry();
  const role = await startSmtpRole(
    {
      config,
      db,
      services: counted,
      log: createLog("silent"),
      metrics,
      mta: createMtaMetrics(metrics),
    },
    { loginCache: { ttlMs: TTL, maxEntries: 100, now: () => now } },
  );
  return { role, port };
}

async function hosting(serviceName: string) {
  await services.hostings.create({ serviceName, ownerEmail: "owner@role.test" });
  return services.hostings.resetSmtpPassword(serviceName);
}

function transport(port: number, user: string, pass: string) {
  return nodemailer.createTransport({
    host: "127.0.0.1",
    port,
    secure: false,
    ignoreTLS: true,
    auth: { user, pass },
  });
}

/** A whole session (connect, EHLO, AUTH, QUIT); the reply code of AUTH. */
async function login(port: number, user: string, pass: string): Promise<number> {
  const t = transport(port, user, pass);
  try {
    await t.verify();
    return 235;
  } catch (error) {
    return (error as { responseCode?: number }).responseCode ?? 0;
  } finally {
    t.close();
  }
}

let role: RunningRole;
let port: number;

beforeAll(async () => {
  db = await createTestDatabase();
  services = createServices({ db });
  await services.users.create({
    email: "owner@role.test",
    password: "correct horse",
    role: "customer",
  });
  ({ role, port } = await startRole());
}, 60_000);

afterAll(async () => {
  await role?.stop();
  await db?.dispose();
});

describe("SMTP role login cache", () => {
  it("looks a login up once per TTL, and mail sent on later sessions is stored", async () => {
    const password = await hosting("cached.example");
    lookups.length = 0;
    for (const subject of ["one", "two", "three"]) {
      const t = transport(port, "cached.example", password);
      try {
        const info = await t.sendMail({
          from: "web@cached.example",
          to: "someone@dest.test",
          subject,
          text: "Hello.",
        });
        expect(info.response).toMatch(/^250 /);
      } finally {
        t.close();
      }
    }
    expect(lookups).toEqual(["cached.example"]);
    const row = await db.prisma.hosting.findUniqueOrThrow({
      where: { serviceName: "cached.example" },
    });
    expect(await db.prisma.message.count({ where: { hostingId: row.id } })).toBe(3);
    now += TTL;
    expect(await login(port, "cached.example", password)).toBe(235);
    expect(lookups).toEqual(["cached.example", "cached.example"]);
  });

  it("applies sender domains support adds once the remembered login expires", async () => {
    const password = await hosting("brand-owner.example");
    const send = async (from: string) => {
      const t = transport(port, "brand-owner.example", password);
      try {
        return (await t.sendMail({ from, to: "someone@dest.test", subject: "s", text: "x" }))
          .response;
      } catch (error) {
        return (error as { response?: string }).response ?? String(error);
      } finally {
        t.close();
      }
    };
    expect(await send("news@brand.test")).toMatch(/^553 5\.7\.1 Sender domain brand\.test /);
    await services.hostings.changeSenderDomains(SYSTEM, "brand-owner.example", {
      add: ["brand.test"],
    });
    // the login (with its domains) is remembered for the TTL: at most that long to apply
    expect(await send("news@brand.test")).toMatch(/^553 /);
    now += TTL;
    expect(await send("news@brand.test")).toMatch(/^250 /);
  });

  it("refuses a changed password once the TTL is over, and takes the new one at once", async () => {
    const old = await hosting("changed.example");
    expect(await login(port, "changed.example", old)).toBe(235);
    const fresh = await services.hostings.resetSmtpPassword("changed.example");
    now += TTL - 1;
    expect(await login(port, "changed.example", old)).toBe(235); // within the TTL
    expect(await login(port, "changed.example", fresh)).toBe(235);
    now += 1;
    expect(await login(port, "changed.example", old)).toBe(535);
    expect(await login(port, "changed.example", fresh)).toBe(235);
  });

  it("never remembers a refused login: credentials that become right work at once", async () => {
    await hosting("refused.example");
    const password = "the-password-to-be";
    lookups.length = 0;
    expect(await login(port, "refused.example", password)).toBe(535);
    expect(await login(port, "refused.example", password)).toBe(535);
    await db.prisma.hosting.update({
      where: { serviceName: "refused.example" },
      data: { smtpPasswordHash: createHash("sha256").update(password).digest("hex") },
    });
    expect(await login(port, "refused.example", password)).toBe(235);
    expect(lookups).toHaveLength(3);
  });

  it("never remembers a failed lookup", async () => {
    const password = await hosting("outage.example");
    lookupFails = true;
    try {
      expect(await login(port, "outage.example", password)).toBe(454);
    } finally {
      lookupFails = false;
    }
    lookups.length = 0;
    expect(await login(port, "outage.example", password)).toBe(235);
    expect(lookups).toEqual(["outage.example"]);
  });

  it("stops opening sessions for a renamed or deleted hosting once the TTL is over", async () => {
    const renamedPassword = await hosting("renamed.example");
    const deletedPassword = await hosting("deleted.example");
    expect(await login(port, "renamed.example", renamedPassword)).toBe(235);
    expect(await login(port, "deleted.example", deletedPassword)).toBe(235);
    await db.prisma.hosting.update({
      where: { serviceName: "renamed.example" },
      data: { serviceName: "new-name.example" },
    });
    await db.prisma.stateChange.deleteMany({
      where: { hosting: { serviceName: "deleted.example" } },
    });
    await db.prisma.hosting.delete({ where: { serviceName: "deleted.example" } });
    now += TTL;
    expect(await login(port, "renamed.example", renamedPassword)).toBe(535);
    expect(await login(port, "deleted.example", deletedPassword)).toBe(535);
    expect(await login(port, "new-name.example", renamedPassword)).toBe(235);
  });

  it("never lets a wrong password in through a remembered login, and still throttles its guesses", async () => {
    const { role: own, port: ownPort } = await startRole();
    try {
      const password = await hosting("throttled.example");
      expect(await login(ownPort, "throttled.example", password)).toBe(235);
      const answers: number[] = [];
      for (let i = 0; i < 5; i++) answers.push(await login(ownPort, "throttled.example", "guess"));
      expect(answers.slice(0, 4)).toEqual([535, 535, 535, 535]);
      expect(answers[4]).toBe(421);
      // the right password is never locked out by someone else's guesses
      expect(await login(ownPort, "throttled.example", password)).toBe(235);
    } finally {
      await own.stop();
    }
  });
});
