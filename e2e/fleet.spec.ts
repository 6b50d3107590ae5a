import type { Locator, Page } from "@playwright/test";
import { SYSTEM } from "@scripts-email/domain";
import { htmlLang, type Locale, say } from "./catalogue.ts";
import {
  expect,
  fitsWidth,
  type Hosting,
  keepScreenshot,
  type Product,
  sendMail,
  signIn,
  supportApi,
  test,
} from "./fixtures.ts";

// Support's home (issue 17): the fleet's counts and every hosting, filtered and sorted from the
// address, following changes without a reload; customers never see it. Screenshots in each
// language at a phone's and a desktop's width: test-results/screenshots/fleet-<lang>-<width>.png.

/** The page polls every 10 s while visible; the bound leaves room for a loaded machine. */
const A_POLL = 25_000;

/** The figure of a count in a section of the summary, found by its exact name. */
function count(page: Page, section: string, name: string): Locator {
  return page
    .getByRole("region", { name: section, exact: true })
    .locator(".counter")
    .filter({ has: page.getByRole("term").getByText(name, { exact: true }) })
    .getByRole("link");
}

function fleetTable(page: Page, name = "List of hostings"): Locator {
  return page.getByRole("table", { name, exact: true });
}

function row(page: Page, serviceName: string): Locator {
  return fleetTable(page)
    .getByRole("row")
    .filter({ has: page.getByRole("link", { name: serviceName, exact: true }) });
}

/** Waits until the table shows the current filters' rows, not the previous ones'. */
async function settled(page: Page, name = "List of hostings"): Promise<void> {
  await expect(fleetTable(page, name)).toHaveAttribute("aria-busy", "false");
}

/** The table's "Sent" column, top to bottom, as numbers. */
async function sentColumn(page: Page): Promise<number[]> {
  const texts = await fleetTable(page).locator('td[data-label="Sent"]').allTextContents();
  return texts.map((t) => Number(t.replace(/\D/g, "")));
}

/** Sends `count` messages from the hosting and waits until the relay took them all. */
async function deliver(product: Product, hosting: Hosting, count: number): Promise<void> {
  for (let i = 1; i <= count; i++) await sendMail(product, hosting, `Order ${i}`);
  await expect
    .poll(async () => (await product.services.email.status(SYSTEM, hosting.serviceName)).sent, {
      timeout: 20_000,
    })
    .toBe(count);
}

test("support sees blocked hostings by cause, filters and sorts them, follows a block and opens one", async ({
  page,
  product,
  newHosting,
}) => {
  const { customer, otherCustomer, support } = product.users;
  const busy = await newHosting(otherCustomer);
  const quiet = await newHosting(customer);
  const target = await newHosting(customer);
  await deliver(product, busy, 3);
  await deliver(product, quiet, 1);

  await signIn(page, support);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Hostings");
  const bySupport = count(page, "Blocked, by cause", "Blocked by our support team");
  const blocked = count(page, "Hostings by state", "Blocked");
  await expect(bySupport).toHaveText(/^\d+$/);
  const [supportBefore, blockedBefore] = [
    Number(await bySupport.textContent()),
    Number(await blocked.textContent()),
  ];
  await expect(row(page, target.serviceName)).toContainText("active");

  // support blocks a hosting elsewhere: the open page follows without a reload
  const api = await supportApi(product.url, support);
  try {
    await api.act(target.serviceName, "block", "Phishing reported (ticket 4711)");
  } finally {
    await api.dispose();
  }
  await expect(bySupport).toHaveText(String(supportBefore + 1), { timeout: A_POLL });
  await expect(blocked).toHaveText(String(blockedBefore + 1), { timeout: A_POLL });
  const targetRow = row(page, target.serviceName);
  await expect(targetRow.locator(".badge")).toHaveAttribute("data-state", "blocked", {
    timeout: A_POLL,
  });
  await expect(targetRow).toContainText("Blocked by our support team");
  await expect(targetRow).toContainText(`by support (${support.email})`);
  // the latest change comes first
  await expect(fleetTable(page).getByRole("row").nth(1)).toContainText(target.serviceName);

  // a cause's count opens the table on those hostings, the filter in the address
  await bySupport.click();
  await expect(page).toHaveURL(/\/\?state=blocked&cause=support$/);
  await settled(page);
  await expect(page.getByLabel("State", { exact: true })).toHaveValue("blocked");
  await expect(page.getByLabel("Block cause", { exact: true })).toHaveValue("support");
  await expect(row(page, target.serviceName)).toBeVisible();
  await expect(row(page, busy.serviceName)).toHaveCount(0);
  for (const state of await fleetTable(page).locator("tbody .badge").all()) {
    await expect(state).toHaveAttribute("data-state", "blocked");
  }
  await expect(fleetTable(page).locator(".fleet-cause")).toHaveText(
    Array(await fleetTable(page).locator("tbody tr").count()).fill("Blocked by our support team"),
  );

  // filter by state and cause with the selects, then sort by sent over the last hour
  await page.getByLabel("Block cause", { exact: true }).selectOption({ label: "All causes" });
  await page.getByLabel("State", { exact: true }).selectOption({ label: "Active" });
  await expect(page).toHaveURL(/\/\?state=active$/);
  await settled(page);
  await expect(row(page, target.serviceName)).toHaveCount(0);
  await expect(row(page, busy.serviceName)).toBeVisible();
  await page.getByLabel("Sort by", { exact: true }).selectOption({ label: "Most sent" });
  await page.getByLabel("Counters over", { exact: true }).selectOption({ label: "Last hour" });
  await expect(page).toHaveURL(/\/\?state=active&sort=sent&window=1h$/);
  await settled(page);
  await expect(fleetTable(page).getByRole("columnheader", { name: "Sent" })).toHaveAttribute(
    "aria-sort",
    "descending",
  );
  await expect(row(page, busy.serviceName).locator('td[data-label="Sent"]')).toHaveText("3");
  await expect(row(page, quiet.serviceName).locator('td[data-label="Sent"]')).toHaveText("1");
  const sent = await sentColumn(page);
  expect(sent).toEqual([...sent].sort((a, b) => b - a));

  // the address is the view: loading it again shows the same table
  await page.reload();
  await expect(page.getByLabel("Sort by", { exact: true })).toHaveValue("sent");
  await expect(page.getByLabel("Counters over", { exact: true })).toHaveValue("1h");
  await expect(row(page, busy.serviceName).locator('td[data-label="Sent"]')).toHaveText("3");

  // support's search by owner is still there
  await page.getByLabel("Search by service name or owner e-mail").fill(otherCustomer.email);
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect(row(page, busy.serviceName)).toBeVisible();
  await expect(row(page, quiet.serviceName)).toHaveCount(0);

  // a row opens the hosting's Scripts-email page
  await row(page, busy.serviceName).getByRole("link", { name: busy.serviceName }).click();
  await expect(page).toHaveURL(new RegExp(`/hostings/${busy.serviceName.replaceAll(".", "\\.")}$`));
  await expect(page.getByRole("heading", { level: 1 })).toContainText(busy.serviceName);
});

test("a customer gets no fleet: their own hostings, and 404 from the fleet's summary", async ({
  page,
  product,
  hosting,
  newHosting,
}) => {
  const others = await newHosting(product.users.otherCustomer);
  await signIn(page, product.users.customer);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your hostings");
  await expect(page.getByRole("link", { name: hosting.serviceName, exact: true })).toBeVisible();
  await expect(page.getByRole("link", { name: others.serviceName, exact: true })).toHaveCount(0);
  await expect(page.getByRole("region", { name: "Hostings by state" })).toHaveCount(0);
  await expect(page.getByRole("form", { name: "Filter and sort the hostings" })).toHaveCount(0);
  // the address of a fleet view shows the customer's own list, filters ignored
  await page.goto("/?state=active&sort=sent");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your hostings");

  const summary = await page.request.get("/api/fleet/summary");
  expect(summary.status()).toBe(404);
  const list = await page.request.get("/api/hostings?state=active&sort=sent&window=1h");
  expect(list.status()).toBe(200);
  const owners = ((await list.json()) as { items: { ownerEmail: string }[] }).items.map(
    (h) => h.ownerEmail,
  );
  expect(owners.length).toBeGreaterThan(0);
  expect(new Set(owners)).toEqual(new Set([product.users.customer.email]));
});

/** A blocked hosting with mail, seeded once for the three languages' screenshots. */
let seeded: Promise<Hosting> | undefined;

for (const lang of ["en", "pt", "fr"] as const satisfies readonly Locale[]) {
  test(`the fleet view in ${lang}, at 375 and 1280 px`, async ({
    page,
    product,
    newHosting,
  }, testInfo) => {
    seeded ??= newHosting(product.users.otherCustomer).then(async (h) => {
      await deliver(product, h, 2);
      const api = await supportApi(product.url, product.users.support);
      try {
        await api.act(h.serviceName, "block", "Complaints from recipients");
      } finally {
        await api.dispose();
      }
      return h;
    });
    const hosting = await seeded;
    await signIn(page, product.users.support);
    await page.getByRole("combobox", { name: "Language", exact: true }).selectOption(lang);
    await expect(page.locator("html")).toHaveAttribute("lang", htmlLang(lang));

    for (const width of [375, 1280]) {
      await page.setViewportSize({ width, height: width === 375 ? 812 : 900 });
      await page.goto("/?state=blocked");
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(
        say(lang, "web.hostings.titleSupport"),
      );
      await expect(
        page.getByRole("heading", { name: say(lang, "web.fleet.causes.heading") }),
      ).toBeVisible();
      await expect(
        page.getByRole("heading", { name: say(lang, "web.fleet.health.heading") }),
      ).toBeVisible();
      const table = fleetTable(page, say(lang, "web.fleet.table.heading"));
      await expect(
        table.getByRole("link", { name: hosting.serviceName, exact: true }),
      ).toBeVisible();
      await expect(table).toContainText(say(lang, "web.state.blockCause.support"));
      await expect(
        page.getByLabel(say(lang, "web.fleet.sort.label"), { exact: true }),
      ).toBeVisible();
      if (width === 375) {
        const size = await fitsWidth(page);
        expect(size.scrollWidth, "sideways scrolling at 375 px").toBeLessThanOrEqual(375);
      }
      await keepScreenshot(page, testInfo, `fleet-${lang}-${width}`);
    }
  });
}
