import { SYSTEM } from "@scripts-email/domain";
import { expect, openHosting, signIn, stateBadge, test } from "./fixtures.ts";

test("support blocks with a reason; the customer sees it and cannot lift it", async ({
  page,
  browser,
  product,
  newHosting,
}) => {
  const { otherCustomer, support } = product.users;
  const hosting = await newHosting(otherCustomer);
  const reason = "Phishing reported by three recipients (ticket 4711)";

  await signIn(page, support);
  await page.getByLabel("Search by service name or owner e-mail").fill(otherCustomer.email);
  await page.getByRole("button", { name: "Search", exact: true }).click();
  const row = page.getByRole("row").filter({ hasText: hosting.serviceName });
  await expect(row).toContainText(otherCustomer.email);
  await expect(page.getByRole("row").filter({ hasText: product.users.customer.email })).toHaveCount(
    0,
  );
  await openHosting(page, hosting.serviceName);

  await page.getByRole("button", { name: "Block sending", exact: true }).click();
  const dialog = page.getByRole("dialog");
  const field = dialog.getByLabel("Reason (required)");
  await expect(field).toBeVisible();
  await dialog.getByRole("button", { name: "Block now", exact: true }).click();
  await expect(dialog.getByText("Enter a reason.")).toBeVisible();
  await expect(field).toHaveAttribute("aria-invalid", "true");
  await expect(dialog).toBeVisible();
  expect((await product.services.email.status(SYSTEM, hosting.serviceName)).state).toBe("active");

  await field.fill(reason);
  await dialog.getByRole("button", { name: "Block now", exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(stateBadge(page)).toHaveAttribute("data-state", "blocked");
  await expect(page.getByRole("region", { name: "Sending", exact: true })).toContainText(reason);
  expect(await product.services.email.status(SYSTEM, hosting.serviceName)).toMatchObject({
    state: "blocked",
    blockedBy: "support",
    stateReason: reason,
  });

  const customerContext = await browser.newContext({ baseURL: product.url, locale: "en-GB" });
  try {
    const customerPage = await customerContext.newPage();
    await signIn(customerPage, otherCustomer);
    await openHosting(customerPage, hosting.serviceName);
    const summary = customerPage.getByRole("region", { name: "Sending", exact: true });
    await expect(stateBadge(customerPage)).toHaveAttribute("data-state", "blocked");
    await expect(summary).toContainText("Blocked by");
    await expect(summary).toContainText("our support team");
    await expect(summary).toContainText(reason);
    await expect(summary).toContainText("Only support can lift this block");
    await expect(
      customerPage.getByRole("button", { name: "Unblock sending", exact: true }),
    ).toBeDisabled();
    await expect(
      customerPage.getByRole("button", { name: "Purge held mail", exact: true }),
    ).toBeDisabled();
    await expect(
      customerPage.getByRole("button", { name: "Unblock sending", exact: true }),
    ).toHaveAccessibleDescription("Blocked by our support team: only support can lift this block.");
    await expect(customerPage.getByRole("listitem").filter({ hasText: reason })).toBeVisible();
  } finally {
    await customerContext.close();
  }
});
