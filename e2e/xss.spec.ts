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
