import type { Locator, Page, TestInfo } from "@playwright/test";
import { SYSTEM } from "@scripts-email/domain";
import { type Locale, say } from "./catalogue.ts";
import {
  expect,
  fitsWidth,
  type Hosting,
  keepScreenshot,
  type Product,
  sendMail,
  signIn,
  test,
} from "./fixtures.ts";

// Screenshots of the views of issue 15 in each language, at a phone's width and a desktop's: the
// page's counters, refused mail, search, message trace, errors, suppression list, sending
// settings, activity log, alerts, history and chart, and the account page's sessions and
// password form. Each view must be there with its heading in that language, and nothing may
// need sideways scrolling at 375 px.

const WIDTHS = [375, 1280] as const;
const PHONE = 375;
const GONE = "old.customer@dest.test";

/**
 * A hosting with a little of everything: delivered mail, one message to three recipients (one
 * delivered, one refused for good by the relay, one deferred), then mail to the refused address
 * refused at submission (it is now on the suppression list), an alert turned off (the activity
 * log), and eleven state changes, the last a block with a reason (the history's second page).
 */
async function seed(product: Product, hosting: Hosting): Promise<void> {
  // ten earlier state changes, so that the history has a second page
  const owner = await product.services.users.findByEmail(product.users.customer.email);
  if (!owner) throw new Error("the customer is missing");
  const actor = {
    kind: "user",
    userId: owner.id,
    email: owner.email,
    role: owner.role,
    locale: owner.locale,
  } as const;
  for (let i = 1; i <= 5; i++) {
    await product.services.email.request(actor, hosting.serviceName, "block", `Site update ${i}`);
    await product.services.email.request(actor, hosting.serviceName, "unblock");
  }
  // a 5.1.1 "no such mailbox" puts the address on the suppression list
  product.relay.recipientReplies.set(GONE, {
    code: 550,
    text: `5.1.1 <${GONE}>: Recipient address rejected: User unknown in virtual mailbox table`,
  });
  await sendMail(product, hosting, "Order confirmation #1042", "lucia.ferreira@dest.test");
  await sendMail(product, hosting, "Your password reset link", "marc.dubois@dest.test");
  await sendMail(
    product,
    hosting,
    "Newsletter: December offers",
    `ana@dest.test, ${GONE}, later+451@dest.test`,
  );
  await expect
    .poll(
      async () => {
        const list = await product.services.suppressions.list(SYSTEM, hosting.serviceName, {
          limit: 10,
        });
        return list.items.map((s) => s.address);
      },
      { timeout: 20_000 },
    )
    .toEqual([GONE]);
  await expect(sendMail(product, hosting, "Newsletter again", GONE)).rejects.toThrow(/550/);

  // for the activity log: the owner turns an alert off
  await product.services.email.updateSettings(actor, hosting.serviceName, {
    alertsOff: ["daily_limit_reached"],
  });
  // for the history: the owner blocks sending with a reason (an 11th change: "Show more")
  await product.services.email.request(
    actor,
    hosting.serviceName,
    "block",
    "Checking a contact form",
  );
}

/** A section of the page, found by its heading in `lang`. */
function section(page: Page, lang: Locale, heading: Parameters<typeof say>[1]): Locator {
  return page.getByRole("region", { name: say(lang, heading), exact: true });
}

async function noSidewaysScrolling(page: Page, width: number): Promise<void> {
  if (width !== PHONE) return;
  const size = await fitsWidth(page);
  expect(size.scrollWidth, "sideways scrolling at 375 px").toBeLessThanOrEqual(PHONE);
}

async function shoot(
  page: Page,
  testInfo: TestInfo,
  name: string,
  width: number,
  focus: Locator,
): Promise<void> {
  await expect(focus).toBeVisible();
  await noSidewaysScrolling(page, width);
  await keepScreenshot(page, testInfo, name, focus);
}

async function scriptsEmailViews(
  page: Page,
  testInfo: TestInfo,
  lang: Locale,
  width: number,
): Promise<void> {
  const name = (view: string) => `views-${lang}-${width}-${view}`;
  const sectionShot = async (view: string, heading: Parameters<typeof say>[1]) => {
    const s = section(page, lang, heading);
    await expect(s.getByRole("heading", { name: say(lang, heading), exact: true })).toBeVisible();
    await shoot(page, testInfo, name(view), width, s);
    return s;
  };

  const counters = await sectionShot("counters", "web.counters.heading");
  await expect(counters.locator(".counter").first()).toBeVisible();

  const refused = await sectionShot("refused", "web.refused.heading");
  await expect(refused.getByRole("table")).toContainText(
    say(lang, "web.refused.reason.suppressed"),
  );

  const messages = section(page, lang, "web.messages.heading");
  await expect(
    messages.getByRole("search", { name: say(lang, "web.messages.search.region") }),
  ).toBeVisible();
  await expect(
    messages.getByText(say(lang, "web.messages.exportCsv"), { exact: true }),
  ).toBeVisible();
  await expect(messages.getByRole("table")).toContainText("Newsletter: December offers");
  await shoot(page, testInfo, name("messages"), width, messages);

  await messages.getByRole("button", { name: "Newsletter: December offers" }).click();
  const detail = page.getByRole("dialog", { name: say(lang, "web.message.title") });
  const trace = detail.getByRole("region", { name: say(lang, "web.message.trace") });
  await expect(trace).toContainText(GONE);
  await expect(trace).toContainText("later+451@dest.test");
  await shoot(page, testInfo, name("message-trace"), width, trace);
  await page.keyboard.press("Escape");
  await expect(detail).toBeHidden();

  const errors = await sectionShot("errors", "web.errors.heading");
  await expect(errors).toContainText("later+451@dest.test");

  const suppressions = await sectionShot("suppressions", "web.suppressions.heading");
  await expect(suppressions.getByRole("table")).toContainText(GONE);

  const sending = await sectionShot("sending-settings", "web.sending.title");
  await expect(sending).toContainText(say(lang, "web.sending.client.encryption"));
  await sending.getByRole("button", { name: say(lang, "web.sending.reset"), exact: true }).click();
  const reset = page.getByRole("dialog", { name: say(lang, "web.sending.resetTitle") });
  await shoot(page, testInfo, name("password-reset-dialog"), width, reset);
  await reset.getByRole("button", { name: say(lang, "web.common.cancel"), exact: true }).click();
  await expect(reset).toBeHidden();

  const activity = await sectionShot("activity-log", "web.activity.title");
  await expect(activity.getByRole("table")).toContainText(
    say(lang, "web.audit.action.email.alerts"),
  );

  await page.getByRole("button", { name: say(lang, "web.alerts.change"), exact: true }).click();
  const alerts = page.getByRole("dialog", { name: say(lang, "web.alerts.dialogTitle") });
  await shoot(page, testInfo, name("alerts-dialog"), width, alerts);
  await alerts.getByRole("button", { name: say(lang, "web.common.cancel"), exact: true }).click();
  await expect(alerts).toBeHidden();

  const history = section(page, lang, "web.history.heading");
  const changes = history.getByRole("listitem");
  await expect(changes.first()).toContainText("Checking a contact form");
  await expect(changes).toHaveCount(10);
  const more = history.getByRole("button", { name: say(lang, "web.history.more"), exact: true });
  await shoot(page, testInfo, name("history"), width, history);
  await more.click();
  await expect(changes).toHaveCount(11);
  await expect(more).toBeHidden();

  const chart = section(page, lang, "web.chart.heading");
  const period = chart.getByRole("combobox", { name: say(lang, "web.chart.period") });
  await expect(period.locator("option")).toHaveCount(3);
  await period.selectOption("30");
  await expect(chart).toHaveAttribute("aria-busy", "false");
  await shoot(page, testInfo, name("chart"), width, chart);
}

async function accountViews(
  page: Page,
  testInfo: TestInfo,
  lang: Locale,
  width: number,
): Promise<void> {
  await page.goto("/account");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(say(lang, "web.account.title"));
  for (const [view, heading] of [
    ["sessions", "web.sessions.title"],
    ["password", "web.password.title"],
  ] as const) {
    const s = section(page, lang, heading);
    await expect(s.getByRole("heading", { name: say(lang, heading), exact: true })).toBeVisible();
    await shoot(page, testInfo, `views-${lang}-${width}-account-${view}`, width, s);
  }
}

/** The three languages' tests look at one hosting, seeded once by whichever runs first. */
let seeded: Promise<Hosting> | undefined;

for (const lang of ["en", "pt", "fr"] as const) {
  test(`the new views in ${lang}, at 375 and 1280 px`, async ({
    page,
    product,
    newHosting,
  }, testInfo) => {
    seeded ??= newHosting(product.users.customer).then(async (h) => {
      await seed(product, h);
      return h;
    });
    const hosting = await seeded;
    await signIn(page, product.users.customer);
    await page.getByRole("combobox", { name: "Language", exact: true }).selectOption(lang);

    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: width === PHONE ? 812 : 900 });
      await page.goto(`/hostings/${encodeURIComponent(hosting.serviceName)}`);
      await expect(page.getByRole("heading", { level: 1 })).toContainText(hosting.serviceName);
      await scriptsEmailViews(page, testInfo, lang, width);
      await accountViews(page, testInfo, lang, width);
    }
  });
}
