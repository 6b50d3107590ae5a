import type { Locator, Page } from "@playwright/test";
import { SYSTEM } from "@scripts-email/domain";
import { GTUBE, type PrivateRspamd, startRspamd } from "@scripts-email/harness/rspamd";
import { htmlLang, type Locale, say } from "./catalogue.ts";
import {
  test as base,
  expect,
  type Hosting,
  keepScreenshot,
  openHosting,
  type Product,
  signIn,
  stateBadge,
} from "./fixtures.ts";
import { type PhpMail, phpMail, shopAddress } from "./php-mail.ts";

// Issue 14's story, played by the customer as it would happen: a hacked plugin pours spam among
// the shop's real order mail, through the real sendmail command as PHP's mail() runs it; a real
// rspamd flags the spam and the protection blocks the hosting; the customer finds the script,
// holds it, deletes its mail (count first), releases the order mail and unblocks. Every order
// reaches the relay, no spam ever does. Screenshots of each step in each language:
// test-results/screenshots/incident-<lang>-<step>.png.

/** More spam than this in an hour blocks the hosting. */
const SPAM_BLOCK_PER_HOUR = 2;
const SPAM_TO_BLOCK = SPAM_BLOCK_PER_HOUR + 1;

const test = base.extend<object, { rspamd: PrivateRspamd }>({
  rspamd: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright requires the destructuring
    async ({}, use) => {
      const rspamd = await startRspamd();
      try {
        await use(rspamd);
      } finally {
        await rspamd.stop();
      }
    },
    // the first start on a machine compiles rspamd's patterns (see startRspamd)
    { scope: "worker", timeout: 200_000 },
  ],
  serverEnv: [
    async ({ rspamd }, use) => {
      await use({
        SPAM_SCANNER_URL: rspamd.url,
        SPAM_BLOCK_PER_HOUR: String(SPAM_BLOCK_PER_HOUR),
      });
    },
    { scope: "worker" },
  ],
});

const HACK = "wp-content/plugins/form/hack.php";
const ORDER = "shop/order.php";

const LANGUAGES: readonly { code: Locale; name: string }[] = [
  { code: "en", name: "English" },
  { code: "pt", name: "Portuguese" },
  { code: "fr", name: "French" },
];

/** The order mail of the shop's real script: each must reach the relay, once. */
function orderMail(hosting: Hosting, n: number): PhpMail {
  return {
    script: `1000:${ORDER}`,
    to: `buyer${n}@customers.test`,
    subject: `Order ${n} confirmed (${hosting.serviceName})`,
    text: `Thank you for your order number ${n}. It ships tomorrow.`,
  };
}

/** Where the hacked plugin sends its spam. */
const SPAM_DOMAIN = "@targets.test";

/** The hacked plugin's mail: the GTUBE line, which rspamd rejects. */
function spamMail(hosting: Hosting, n: number): PhpMail {
  return {
    script: `1000:${HACK}`,
    to: `victim${n}${SPAM_DOMAIN}`,
    subject: `You have won ${n} (${hosting.serviceName})`,
    text: `Claim your prize now.\n${GTUBE}`,
  };
}

async function send(product: Product, hosting: Hosting, mail: PhpMail) {
  const result = await phpMail(product, hosting, mail);
  expect(result, `sendmail for "${mail.subject}"`).toEqual({ code: 0, stderr: "" });
}

const status = (product: Product, hosting: Hosting) =>
  product.services.email.status(SYSTEM, hosting.serviceName);

/** The raw text of what the relay received from the hosting's scripts (not the alerts to it). */
const relayed = (product: Product, hosting: Hosting) =>
  product.relay.received
    .filter((m) => m.from === shopAddress(hosting))
    .map((m) => m.raw.toString());

/** The cell of `row` under the column header named `header` in `table`. */
async function cellUnder(table: Locator, row: Locator, header: string): Promise<Locator> {
  await expect(row).toBeVisible();
  const headers = (await table.getByRole("columnheader").allTextContents()).map((h) => h.trim());
  const index = headers.indexOf(header);
  expect(index, `column "${header}" among ${JSON.stringify(headers)}`).toBeGreaterThanOrEqual(0);
  return row.getByRole("cell").or(row.getByRole("rowheader")).nth(index);
}

async function chooseLanguage(page: Page, lang: Locale) {
  if (lang !== "en") {
    await page.getByRole("combobox", { name: "Language", exact: true }).selectOption(lang);
  }
  await expect(page.locator("html")).toHaveAttribute("lang", htmlLang(lang));
}

for (const { code: lang, name } of LANGUAGES) {
  test(`a hacked script's spam is found, held and deleted; the order mail goes out (${name})`, async ({
    page,
    product,
    hosting,
  }, testInfo) => {
    test.setTimeout(90_000);
    const tr = (key: Parameters<typeof say>[1], params?: Parameters<typeof say>[2]) =>
      say(lang, key, params);
    const shot = (step: string, focus?: Locator) =>
      keepScreenshot(page, testInfo, `incident-${lang}-${step}`, focus);
    const unblockButton = () =>
      page.getByRole("button", { name: tr("web.action.unblock"), exact: true });

    // Before the incident, the shop's order mail goes out.
    for (const n of [1, 2]) await send(product, hosting, orderMail(hosting, n));
    await expect.poll(() => relayed(product, hosting).length, { timeout: 20_000 }).toBe(2);

    // a. The hacked plugin starts. rspamd rejects its mail, which stays held as spam; past the
    // hourly limit the hosting is blocked, cause spam. Orders keep coming (held: blocked), and
    // so does the plugin's mail.
    for (let n = 1; n <= SPAM_TO_BLOCK; n++) await send(product, hosting, spamMail(hosting, n));
    await expect
      .poll(
        async () => {
          const s = await status(product, hosting);
          return { state: s.state, blockCause: s.blockCause, spam: s.spam };
        },
        { timeout: 30_000 },
      )
      .toEqual({ state: "blocked", blockCause: "spam", spam: SPAM_TO_BLOCK });
    for (const n of [3, 4]) await send(product, hosting, orderMail(hosting, n));
    await send(product, hosting, spamMail(hosting, SPAM_TO_BLOCK + 1));
    expect(await status(product, hosting)).toMatchObject({
      held: SPAM_TO_BLOCK + 3,
      spam: SPAM_TO_BLOCK,
    });

    await signIn(page, product.users.customer);
    await openHosting(page, hosting.serviceName);
    await chooseLanguage(page, lang);
    const sending = page.getByRole("region", { name: tr("web.state.heading"), exact: true });
    await expect(stateBadge(page, tr("web.state.heading"))).toHaveAttribute(
      "data-state",
      "blocked",
    );
    await expect(sending).toContainText(tr("web.state.blockCause.spam"));
    await expect(sending).toContainText(tr("web.state.causeNotice.spam"));
    await shot("1-blocked");

    // b. Unblocking is refused while the spam is held, and the page says what to do.
    await expect(unblockButton()).toBeDisabled();
    await expect(unblockButton()).toHaveAccessibleDescription(
      tr("web.action.disabled.spamNotPurged"),
    );
    await shot("2-unblock-refused", sending);

    // c. A flagged message says why (rspamd's verdict, the rule that weighed most) and which
    // script sent it; the per-script table shows that script's spam, apart from the orders.
    await page.getByRole("button", { name: spamMail(hosting, 1).subject, exact: true }).click();
    const detail = page.getByRole("dialog", { name: tr("web.message.title"), exact: true });
    const verdict = detail.getByRole("region", { name: tr("web.message.spamCheck"), exact: true });
    await expect(verdict).toContainText(tr("web.message.spamHeld"));
    await expect(
      verdict.getByText(tr("web.message.spamAction.reject"), { exact: true }),
    ).toBeVisible();
    await expect(verdict.getByRole("cell", { name: "GTUBE", exact: true })).toBeVisible();
    await expect(detail).toContainText(HACK);
    await shot("3-spam-verdict", detail);
    await detail.getByRole("button", { name: tr("web.common.close"), exact: true }).click();
    await expect(detail).toBeHidden();

    const scripts = page.getByRole("region", { name: tr("web.scripts.heading"), exact: true });
    const scriptsTable = scripts.getByRole("table");
    const hackRow = scriptsTable.getByRole("row").filter({ hasText: HACK });
    const orderRow = scriptsTable.getByRole("row").filter({ hasText: ORDER });
    const spamHeader = tr("web.scripts.column.spam");
    await expect(await cellUnder(scriptsTable, hackRow, spamHeader)).toHaveText(
      String(SPAM_TO_BLOCK),
    );
    await expect(await cellUnder(scriptsTable, orderRow, spamHeader)).toHaveText("0");
    await shot("4-scripts", scripts);

    await scripts.getByRole("button", { name: tr("web.scripts.hold", { script: HACK }) }).click();
    const holdDialog = page.getByRole("dialog");
    await holdDialog
      .getByRole("button", { name: tr("web.scripts.confirm.hold.confirm"), exact: true })
      .click();
    await expect(holdDialog).toBeHidden();
    await expect(hackRow).toContainText(tr("web.scripts.heldBadge"));
    await expect(
      scripts.getByRole("button", { name: tr("web.scripts.resume", { script: HACK }) }),
    ).toBeVisible();
    expect((await status(product, hosting)).heldScripts).toEqual([HACK]);
    await shot("5-script-held", scripts);

    // d. Its mail deleted by filter: the count first, then a job whose progress is shown.
    const heldMail = page.getByRole("region", { name: tr("web.heldMail.heading"), exact: true });
    const filter = heldMail.getByRole("form", { name: tr("web.heldMail.filter.heading") });
    await filter.getByLabel(tr("web.heldMail.filter.script"), { exact: true }).fill(HACK);
    await filter
      .getByRole("button", { name: tr("web.heldMail.filter.delete"), exact: true })
      .click();
    const deleteDialog = page.getByRole("dialog");
    await expect(deleteDialog).toContainText(
      tr("web.heldMail.confirm.deleteCount", { count: SPAM_TO_BLOCK + 1 }),
    );
    await shot("6-delete-count", deleteDialog);
    await deleteDialog
      .getByRole("button", { name: tr("web.heldMail.confirm.delete"), exact: true })
      .click();
    await expect(deleteDialog).toBeHidden();
    const progress = heldMail.getByRole("progressbar");
    await expect(progress).toHaveAttribute("aria-valuemax", String(SPAM_TO_BLOCK + 1));
    await expect(progress).toHaveAttribute("aria-valuenow", String(SPAM_TO_BLOCK + 1), {
      timeout: 20_000,
    });
    await expect(heldMail.getByRole("status")).toHaveText(
      tr("web.heldMail.progress.deleteFinished", { count: SPAM_TO_BLOCK + 1 }),
    );
    expect(await status(product, hosting)).toMatchObject({ held: 2, spam: 0 });
    await expect(unblockButton()).toBeEnabled();
    await shot("7-deleted", heldMail);

    // e. The rest, the orders taken while blocked, released by hand: sent although blocked.
    await heldMail
      .getByRole("button", { name: tr("web.heldMail.release", { key: ORDER }), exact: true })
      .click();
    const releaseDialog = page.getByRole("dialog");
    await expect(releaseDialog).toContainText(
      tr("web.heldMail.confirm.releaseCount", { count: 2 }),
    );
    await releaseDialog
      .getByRole("button", { name: tr("web.heldMail.confirm.release"), exact: true })
      .click();
    await expect(releaseDialog).toBeHidden();
    await expect(heldMail.getByRole("status")).toHaveText(
      tr("web.heldMail.progress.releaseFinished", { count: 2 }),
      { timeout: 20_000 },
    );
    await expect.poll(() => relayed(product, hosting).length, { timeout: 20_000 }).toBe(4);
    expect((await status(product, hosting)).state).toBe("blocked");
    // both leave a trace: who, which mail, how many
    const recent = page.getByRole("region", { name: tr("web.recentActions.heading"), exact: true });
    const traces = [
      { script: HACK, action: "delete", count: SPAM_TO_BLOCK + 1 },
      { script: ORDER, action: "release", count: 2 },
    ] as const;
    for (const { script, action, count } of traces) {
      const row = recent.getByRole("row").filter({ hasText: script });
      await expect(row).toContainText(product.users.customer.email);
      await expect(row).toContainText(tr(`web.recentActions.action.${action}`));
      await expect(row).toContainText(
        tr("web.recentActions.progress", { done: count, matched: count }),
      );
      await expect(row).toContainText(tr("web.recentActions.state.finished"));
    }
    await shot("8-released", heldMail);

    // f. Nothing flagged as spam is held any more: the customer unblocks.
    await unblockButton().click();
    const unblockDialog = page.getByRole("dialog");
    await unblockDialog
      .getByRole("button", { name: tr("web.action.unblock.confirm"), exact: true })
      .click();
    await expect(unblockDialog).toBeHidden();
    await expect(stateBadge(page, tr("web.state.heading"))).toHaveAttribute("data-state", "active");
    await shot("9-unblocked", page.getByRole("banner"));

    // The site sends again, while the held plugin's new mail stays held.
    await send(product, hosting, orderMail(hosting, 5));
    await send(product, hosting, spamMail(hosting, SPAM_TO_BLOCK + 2));
    await expect.poll(() => relayed(product, hosting).length, { timeout: 20_000 }).toBe(5);
    expect(await status(product, hosting)).toMatchObject({ state: "active", held: 1, spam: 0 });

    const out = relayed(product, hosting);
    for (const n of [1, 2, 3, 4, 5]) {
      const { subject } = orderMail(hosting, n);
      expect(
        out.filter((raw) => raw.includes(subject)),
        subject,
      ).toHaveLength(1);
    }
    // the spam never: neither its recipients nor its text, whatever the encoding
    expect(
      product.relay.received.filter((m) => m.to.some((to) => to.endsWith(SPAM_DOMAIN))),
    ).toEqual([]);
    expect(product.relay.received.filter((m) => m.raw.toString().includes(GTUBE))).toEqual([]);
  });
}
