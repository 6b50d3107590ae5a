import { randomBytes } from "node:crypto";
import type { Services } from "@scripts-email/domain";

export const DEMO = {
  customerEmail: "customer@example.org",
  supportEmail: "support@example.org",
  serviceName: "example.org",
} as const;

export interface DemoCredentials {
  customer: { email: string; password: string };
  support: { email: string; password: string };
  hosting: { serviceName: string; smtpPassword: string };
}

export function randomPassword(): string {
  return randomBytes(12).toString("base64url");
}

/**
 * Creates a demo customer, a support user and one hosting, so that a first start on the
 * embedded database has something to sign in to. Does nothing (returns null) once any user
 * exists. The passwords are random and returned once: only their hashes are stored.
 */
export async function seedDemoData(services: Services): Promise<DemoCredentials | null> {
  if ((await services.users.count()) > 0) return null;
  const customer = { email: DEMO.customerEmail, password: randomPassword() };
  const support = { email: DEMO.supportEmail, password: randomPassword() };
  await services.users.create({ ...customer, role: "customer" });
  await services.users.create({ ...support, role: "support" });
  await services.hostings.create({
    serviceName: DEMO.serviceName,
    ownerEmail: customer.email,
    reportRecipient: customer.email,
  });
  const smtpPassword = await services.hostings.resetSmtpPassword(DEMO.serviceName);
  return { customer, support, hosting: { serviceName: DEMO.serviceName, smtpPassword } };
}

export function formatCredentials(c: DemoCredentials): string {
  return [
    "",
    "Demo data created on the new embedded database. These passwords are shown only once:",
    `  customer login   ${c.customer.email}   password: ${c.customer.password}`,
    `  support login    ${c.support.email}   password: ${c.support.password}`,
    `  hosting          ${c.hosting.serviceName} (owner ${c.customer.email})   SMTP user: ${c.hosting.serviceName}   SMTP password: ${c.hosting.smtpPassword}`,
    "Create more with `pnpm cli user:create …` and `pnpm cli hosting:create …`.",
    "",
  ].join("\n");
}
