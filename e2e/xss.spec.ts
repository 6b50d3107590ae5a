import { expect, openHosting, sendMail, signIn, test } from "./fixtures.ts";

// Whatever a website's script or a support agent writes is shown as text: no markup it carries
// may run in the panel.
const PAYLOADS = {
  subject: `<img src=x onerror="window.__xss='subject'"><script>window.__xss='subject-script'</script>`,
  from: `<svg onload="window.__xss='from'">`,
  reason: `<img src=x onerror="window.__xss='reason'">`,
};

test("subjects, senders and reasons carrying HTML and JavaScript are shown as text", async ({
  page,
  product,
  hosting,
}) => {
  await sendMail(product, hosting, PAYLOADS.subject, "reader@dest.test", {
    fromName: PAYLOADS.from,
    text: "<script>window.__xss='body'</script>",
  });
  const support = await product.services.users.findByEmail(product.users.support.email);
  await product.services.email.request(
    { kind: "user", userId: support!.id, email: support!.email, role: "support", locale: "en" },
    hosting.serviceName,
    "block",
    PAYLOADS.reason,
  );

  await page.addInitScript(() => {
    (window as unknown as { __xss?: string }).__xss = undefined;
  });
  await signIn(page, product.users.customer);
  await openHosting(page, hosting.serviceName);
  await expect(page.getByText(PAYLOADS.reason).first()).toBeVisible();
  const subject = page.getByRole("button", { name: PAYLOADS.subject });
  await expect(subject).toBeVisible();
  await subject.click();
  const dialog = page.getByRole("dialog", { name: "Message details" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByText(PAYLOADS.subject).first()).toBeVisible();
  await expect(dialog).toContainText("svg onload");

  expect(
    await page.evaluate(() => (window as unknown as { __xss?: string }).__xss),
  ).toBeUndefined();
  expect(await page.locator("img[src='x'], svg[onload], script:not([src])").count()).toBe(0);
});

test("a message's HTML part shown as a page runs no script and loads nothing remote", async ({
  page,
  product,
  hosting,
}) => {
  const html = [
    '<p id="greeting">Claim your <b>prize</b></p>',
    "<script>document.body.dataset.ran = 'script'; window.parent.__xss = 'frame-script';</script>",
    `<img src="${product.url}/tracker.png?opened=1" onerror="document.body.dataset.ran = 'remote'">`,
    `<img src="x" onerror="document.body.dataset.ran = 'onerror'; window.parent.__xss = 'onerror'">`,
    `<form action="${product.url}/collect"><input name="card"></form>`,
  ].join("");
  await sendMail(product, hosting, "Your prize", "reader@dest.test", {
    text: "Claim your prize",
    html,
  });
  const requested: string[] = [];
  page.on("request", (request) => requested.push(request.url()));
  await page.addInitScript(() => {
    (window as unknown as { __xss?: string }).__xss = undefined;
  });

  await signIn(page, product.users.customer);
  await openHosting(page, hosting.serviceName);
  await page.getByRole("button", { name: "Your prize" }).click();
  const dialog = page.getByRole("dialog", { name: "Message details" });
  await dialog.getByRole("button", { name: "Show content" }).click();
  await expect(dialog.getByRole("heading", { name: "HTML part" })).toBeVisible();
  // as text (the default): the words, none of the message's markup in the panel
  await expect(dialog.locator("pre", { hasText: "Claim your prize" }).first()).toBeVisible();
  expect(await dialog.locator("img, form, script").count()).toBe(0);

  await dialog.getByRole("button", { name: "As page" }).click();
  const frameElement = dialog.locator("iframe");
  await expect(frameElement).toHaveAttribute("sandbox", "");
  const frame = page.frameLocator("dialog iframe");
  await expect(frame.locator("#greeting")).toHaveText("Claim your prize");
  await expect(frame.locator("form")).toHaveCount(1);
  expect(await frame.locator("body").getAttribute("data-ran")).toBeNull();
  expect(
    await page.evaluate(() => (window as unknown as { __xss?: string }).__xss),
  ).toBeUndefined();
  expect(
    requested.filter((url) => url.includes("tracker.png") || url.includes("/collect")),
  ).toEqual([]);
});
