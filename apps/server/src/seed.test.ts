import { createTestDatabase, type TestDatabase } from "@scripts-email/db/testing";
import { createServices, type Services, SYSTEM } from "@scripts-email/domain";
import { afterAll, beforeAll, expect, it } from "vitest";
import { DEMO, formatCredentials, seedDemoData } from "./seed.ts";

let db: TestDatabase;
let services: Services;

beforeAll(async () => {
  db = await createTestDatabase();
  services = createServices({ db });
});

afterAll(async () => {
  await db?.dispose();
});

it("creates the demo customer, support user and hosting once, with working credentials", async () => {
  const credentials = await seedDemoData(services);
  if (!credentials) throw new Error("expected the demo data to be created");

  expect(await services.users.count()).toBe(2);
  expect(await services.users.findByEmail(DEMO.customerEmail)).toMatchObject({ role: "customer" });
  expect(await services.users.findByEmail(DEMO.supportEmail)).toMatchObject({ role: "support" });
  const hostings = await services.hostings.list(SYSTEM);
  expect(hostings.items.map((h) => [h.serviceName, h.ownerEmail])).toEqual([
    ["example.org", "customer@example.org"],
  ]);
  expect(await services.hostings.get(SYSTEM, "example.org")).toMatchObject({
    reportRecipient: "customer@example.org",
  });

  const customer = await services.auth.login(
    credentials.customer.email,
    credentials.customer.password,
  );
  expect(customer.user.role).toBe("customer");
  const support = await services.auth.login(
    credentials.support.email,
    credentials.support.password,
  );
  expect(support.user.role).toBe("support");
  expect(
    await services.hostings.verifySmtpPassword("example.org", credentials.hosting.smtpPassword),
  ).not.toBeNull();
  expect(credentials.customer.password).not.toBe(credentials.support.password);

  const printed = formatCredentials(credentials);
  for (const secret of [
    credentials.customer.password,
    credentials.support.password,
    credentials.hosting.smtpPassword,
  ]) {
    expect(printed).toContain(secret);
  }
});

it("does nothing on a database that already has users", async () => {
  expect(await seedDemoData(services)).toBeNull();
  expect(await services.users.count()).toBe(2);
  expect((await services.hostings.list(SYSTEM)).items).toHaveLength(1);
});
