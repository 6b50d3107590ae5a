import {
  createIngestFixture,
  type IngestFixture,
  OWNER_EMAIL,
  type TestHosting,
} from "@scripts-email/harness/smtp-fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_LOGIN_CACHE, LoginCache } from "./smtp-login-cache.ts";

let fx: IngestFixture;
let site: TestHosting;

beforeAll(async () => {
  fx = await createIngestFixture();
  site = await fx.addHosting("reset.example");
});
afterAll(() => fx?.close());

/**
 * The panel's "new SMTP password" says the old one stops working now: the SMTP role checks logins
 * through its cache, so the claim holds for new logins at once and for a login cached just before
 * the reset within the cache's TTL (5 s), as the API answer says.
 */
describe("an SMTP password reset by the owner, through the SMTP role's login cache", () => {
  it("refuses the old password at once unless cached, and within the TTL when it was", async () => {
    let now = 0;
    const cache = new LoginCache(fx.authenticate, { ...DEFAULT_LOGIN_CACHE, now: () => now });
    const owner = await fx.services.users.findByEmail(OWNER_EMAIL);
    if (!owner) throw new Error("no owner");
    const actor = {
      kind: "user" as const,
      userId: owner.id,
      email: owner.email,
      role: owner.role,
      locale: owner.locale,
    };
    const old = site.password;
    // a login with the old password a moment before the reset is cached
    expect(await cache.authenticate(site.serviceName, old)).not.toBeNull();
    const fresh = await fx.services.hostings.changeSmtpPassword(actor, site.serviceName);
    // a process that had not cached it refuses it at once
    const uncached = new LoginCache(fx.authenticate, { ...DEFAULT_LOGIN_CACHE, now: () => now });
    expect(await uncached.authenticate(site.serviceName, old)).toBeNull();
    expect(await uncached.authenticate(site.serviceName, fresh)).not.toBeNull();
    // the one that had trusts it until its entry ends, never longer
    now = DEFAULT_LOGIN_CACHE.ttlMs - 1;
    expect(await cache.authenticate(site.serviceName, old)).not.toBeNull();
    now = DEFAULT_LOGIN_CACHE.ttlMs;
    expect(await cache.authenticate(site.serviceName, old)).toBeNull();
    expect(DEFAULT_LOGIN_CACHE.ttlMs).toBe(5_000);
  });
});
