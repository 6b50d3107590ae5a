import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import {
  type APIRequestContext,
  test as base,
  expect,
  type Locator,
  type Page,
  request as playwrightRequest,
  type TestInfo,
} from "@playwright/test";
import { createTestDatabase, type TestDatabase } from "@scripts-email/db/testing";
import { createServices, type Services, SYSTEM } from "@scripts-email/domain";
import { freePort } from "@scripts-email/harness/ports";
import { startTestRelay, type TestRelay } from "@scripts-email/harness/test-relay";
import nodemailer from "nodemailer";
import { loadConfig } from "../apps/server/src/config.ts";
import { createLog } from "../apps/server/src/log.ts";
import { type RunningServer, startServer } from "../apps/server/src/server.ts";

// The whole built product (api serving the built panel, smtp, worker, scheduler) runs inside the
// Playwright worker, on a fresh PostgreSQL database, relaying to an SMTP server of the test's
// own: a test can look at what the relay received and at the database.

export interface Login {
  email: string;
  password: string;
}

export interface Product {
  /** The panel and the API, e.g. http://127.0.0.1:41234 */
  url: string;
  smtpPort: number;
  relay: TestRelay;
  services: Services;
  users: { customer: Login; otherCustomer: Login; support: Login };
}

export interface Hosting {
  serviceName: string;
  smtpPassword: string;
}

const WEB_DIST = path.resolve(import.meta.dirname, "../apps/web/dist");

export const test = base.extend<
  {
    /** A new hosting of the customer, for this test alone. */
    hosting: Hosting;
    /** Creates another hosting for this test, owned by `owner`. */
    newHosting: (owner: Login) => Promise<Hosting>;
  },
  {
    /**
     * More settings of the server, e.g. a spam scanner's URL. A spec sets them with `test.use`
     * or by overriding this fixture; Playwright then starts that spec in a worker of its own.
     */
    serverEnv: Record<string, string>;
    product: Product;
  }
>({
  serverEnv: [{}, { scope: "worker", option: true }],

  product: [
    async ({ serverEnv }, use) => {
      if (!existsSync(path.join(WEB_DIST, "index.html"))) {
        throw new Error(`No built panel in ${WEB_DIST}: run \`pnpm build\` first.`);
      }
      const db: TestDatabase = await createTestDatabase();
      const relay = await startTestRelay();
      let server: RunningServer | undefined;
      try {
        const services = createServices({ db });
        const password = `pw-${randomBytes(9).toString("base64url")}`;
        const users = {
          customer: { email: "ana@customer.test", password },
          otherCustomer: { email: "bruno@other.test", password },
          support: { email: "sofia@support.test", password },
        };
        await services.users.create({ ...users.customer, role: "customer" });
        await services.users.create({ ...users.otherCustomer, role: "customer" });
        await services.users.create({ ...users.support, role: "support" });

        const [port, smtpPort] = [await freePort(), await freePort()];
        const logLevel = (process.env.E2E_LOG_LEVEL ?? "warn") as "warn";
        const config = loadConfig({
          DATABASE_URL: db.url,
          PORT: String(port),
          SMTP_PORT: String(smtpPort),
          SMTP_RELAY_URL: relay.url,
          LOG_LEVEL: logLevel,
          ...serverEnv,
        });
        server = await startServer({ config, log: createLog(logLevel), print: () => {} });
        await use({ url: `http://127.0.0.1:${port}`, smtpPort, relay, services, users });
      } finally {
        await server?.stop();
        await relay.close();
        await db.dispose();
      }
    },
    { scope: "worker", timeout: 90_000 },
  ],

  baseURL: async ({ product }, use) => {
    await use(product.url);
  },

  newHosting: async ({ product }, use) => {
    await use(async (owner) => {
      const serviceName = `site-${randomBytes(4).toString("hex")}.example.test`;
      await product.services.hostings.create({
        serviceName,
        ownerEmail: owner.email,
        reportRecipient: owner.email,
      });
      const smtpPassword = await product.services.hostings.resetSmtpPassword(serviceName);
      return { serviceName, smtpPassword };
    });
  },

  hosting: async ({ product, newHosting }, use) => {
    await use(await newHosting(product.users.customer));
  },
});

export { expect };

/** Submits a message over SMTP with the hosting's own credentials, as a website's script would. */
export async function sendMail(
  product: Product,
  hosting: Hosting,
  subject: string,
  to = "reader@dest.test",
  content: { fromName?: string; text?: string; html?: string } = {},
): Promise<string> {
  const transport = nodemailer.createTransport({
    host: "127.0.0.1",
    port: product.smtpPort,
    secure: false,
    ignoreTLS: true,
    auth: { user: hosting.serviceName, pass: hosting.smtpPassword },
  });
  try {
    const address = `website@${hosting.serviceName}`;
    const info = await transport.sendMail({
      from: content.fromName ? { name: content.fromName, address } : address,
      to,
      subject,
      text: content.text ?? "Hello from a script.",
      ...(content.html ? { html: content.html } : {}),
    });
    return info.response;
  } finally {
    transport.close();
  }
}

/** The subjects of what the upstream relay received. */
export function relayedSubjects(product: Product): string[] {
  return product.relay.received.map(
    (m) => /^Subject: (.*)$/m.exec(m.raw.toString())?.[1]?.trim() ?? "",
  );
}

export async function signIn(page: Page, user: Login): Promise<void> {
  await page.goto("/");
  await page.getByLabel("E-mail address").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
}

/** From the list of hostings, opens one's Scripts-email page. */
export async function openHosting(page: Page, serviceName: string): Promise<void> {
  await page.getByRole("link", { name: serviceName, exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(serviceName);
  await expect(stateBadge(page)).toBeVisible();
}

/** The state badge of the Scripts-email page ("Sending" section). */
export function stateBadge(page: Page, sectionName = "Sending") {
  return page.getByRole("region", { name: sectionName, exact: true }).locator(".badge[data-state]");
}

/** A counter's figure, found by its exact name (the notes below it are further <dd>s). */
export function counterValue(page: Page, name: string) {
  return page
    .locator(".counter")
    .filter({ has: page.getByRole("term").getByText(name, { exact: true }) })
    .locator("dd")
    .first();
}

export function heldTable(page: Page) {
  return page.getByRole("table", { name: "Held and queued mail" });
}

/** Clicks a page action and confirms it in its dialog; returns the dialog's text. */
export async function confirmAction(
  page: Page,
  button: "Block sending" | "Purge held mail" | "Unblock sending",
  confirm: "Block now" | "Delete held mail" | "Unblock and send",
  reason?: string,
): Promise<string> {
  await page.getByRole("button", { name: button, exact: true }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  const text = ((await dialog.textContent()) ?? "").replace(/\s+/g, " ");
  if (reason !== undefined) await dialog.getByLabel(/^Reason/).fill(reason);
  await dialog.getByRole("button", { name: confirm }).click();
  await expect(dialog).toBeHidden();
  return text;
}

/**
 * Gives a hosting something to show: two messages delivered, one refused by the relay (a
 * delivery error), then sending blocked with one message held.
 */
export async function makeActivity(product: Product, hosting: Hosting): Promise<void> {
  await sendMail(product, hosting, "Welcome to our shop");
  await sendMail(product, hosting, "Your password reset link");
  await sendMail(product, hosting, "Newsletter", "nobody+550@dest.test");
  await expect
    .poll(
      async () => {
        const s = await product.services.email.status(SYSTEM, hosting.serviceName);
        return { sent: s.sent, errors: s.errors, queued: s.queued };
      },
      { timeout: 20_000 },
    )
    .toEqual({ sent: 2, errors: 1, queued: 0 });
  const owner = await product.services.users.findByEmail(product.users.customer.email);
  if (!owner) throw new Error("the customer is missing");
  await product.services.email.request(
    { kind: "user", userId: owner.id, email: owner.email, role: owner.role, locale: owner.locale },
    hosting.serviceName,
    "block",
    "Checking a contact form",
  );
  expect(await sendMail(product, hosting, "Contact form: question about delivery")).toMatch(
    /Held as/,
  );
}

/**
 * Saves a screenshot as a test artefact and under test-results/screenshots/: the full page, or,
 * with `focus`, the window scrolled to show that part of the page (a section, a dialog) first.
 */
export async function keepScreenshot(
  page: Page,
  testInfo: TestInfo,
  name: string,
  focus?: Locator,
): Promise<string> {
  const file = path.join(testInfo.project.outputDir, "screenshots", `${name}.png`);
  if (focus) await focus.evaluate((element) => element.scrollIntoView({ block: "start" }));
  const body = await page.screenshot({ path: file, fullPage: !focus, animations: "disabled" });
  await testInfo.attach(name, { body, contentType: "image/png" });
  return file;
}

/** The page's scroll width and the window's width: no sideways scrolling when not wider. */
export function fitsWidth(page: Page): Promise<{ scrollWidth: number; innerWidth: number }> {
  return page.evaluate(() => ({
    scrollWidth: document.scrollingElement?.scrollWidth ?? 0,
    innerWidth: window.innerWidth,
  }));
}

/** Support, signed in through the API in a context of its own (not the customer's browser). */
export async function supportApi(baseURL: string, support: Login) {
  const context: APIRequestContext = await playwrightRequest.newContext({ baseURL });
  const signedIn = await context.post("/api/session", { data: support });
  expect(signedIn.status()).toBe(200);
  const { csrfToken } = (await signedIn.json()) as { csrfToken: string };
  return {
    async act(serviceName: string, action: "block" | "unblock", reason: string) {
      const res = await context.post(`/api/hostings/${serviceName}/email/requests`, {
        data: { action, reason },
        headers: { "x-csrf-token": csrfToken },
      });
      expect(res.status(), await res.text()).toBe(202);
    },
    dispose: () => context.dispose(),
  };
}
