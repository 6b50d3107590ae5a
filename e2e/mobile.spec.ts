import {
  expect,
  fitsWidth,
  keepScreenshot,
  makeActivity,
  openHosting,
  signIn,
  stateBadge,
  test,
} from "./fixtures.ts";

test.use({ viewport: { width: 375, height: 812 } });

test("a phone-width screen needs no sideways scrolling", async ({
  page,
  product,
  hosting,
}, testInfo) => {
  await makeActivity(product, hosting);
  await signIn(page, product.users.customer);
  expect(await fitsWidth(page)).toEqual({ scrollWidth: 375, innerWidth: 375 });

  await openHosting(page, hosting.serviceName);
  await expect(stateBadge(page)).toHaveAttribute("data-state", "blocked");
  await expect(page.getByRole("table", { name: "Held and queued mail" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Delivery errors" })).toContainText(
    "nobody+550@dest.test",
  );
  const size = await fitsWidth(page);
  expect(size.scrollWidth).toBeLessThanOrEqual(size.innerWidth);
  await keepScreenshot(page, testInfo, "page-mobile-375");

  await page.getByRole("button", { name: "Purge held mail", exact: true }).click();
  await expect(page.getByRole("dialog")).toBeVisible();
  const withDialog = await fitsWidth(page);
  expect(withDialog.scrollWidth).toBeLessThanOrEqual(withDialog.innerWidth);
  await page.screenshot({ path: testInfo.outputPath("purge-dialog-375.png") });
});
