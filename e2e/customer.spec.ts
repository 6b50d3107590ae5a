import { SYSTEM } from "@scripts-email/domain";
import {
  confirmAction,
  counterValue,
  expect,
  heldTable,
  openHosting,
  relayedSubjects,
  sendMail,
  signIn,
  stateBadge,
  test,
} from "./fixtures.ts";

test("block holds new mail; purge deletes it (listed as purged) and sending resumes by itself", async ({
  page,
  product,
  hosting,
}) => {
  await signIn(page, product.users.customer);
  await openHosting(page, hosting.serviceName);
  await expect(stateBadge(page)).toHaveAttribute("data-state", "active");
  await expect(page.getByRole("button", { name: "Purge held mail", exact: true })).toBeDisabled();

  const explained = await confirmAction(page, "Block sending", "Block now");
  expect(explained).toContain("held for 72 hours");
  expect(explained).toContain("nothing is deleted");
  await expect(stateBadge(page)).toHaveAttribute("data-state", "blocked");
  await expect(page.getByRole("button", { name: "Block sending", exact: true })).toBeDisabled();

  const subjects = [`Order 1 ${hosting.serviceName}`, `Order 2 ${hosting.serviceName}`];
  for (const subject of subjects) {
    expect(await sendMail(product, hosting, subject)).toMatch(/Held as/);
  }
  await page.reload();
  const table = heldTable(page);
  for (const subject of subjects) {
    const row = table.getByRole("row").filter({ hasText: subject });
    await expect(row).toBeVisible();
    await expect(row).toContainText("held");
  }

  const purgeText = await confirmAction(page, "Purge held mail", "Delete held mail");
  expect(purgeText).toContain("deleted for good");
  expect(purgeText).toContain("Messages held now: 2");
  // the answer to the request already says purging; the scheduler (every 5 s) then finishes it
  await expect(stateBadge(page)).toHaveAttribute("data-state", "purging");
  await expect(page.getByRole("button", { name: "Unblock sending", exact: true })).toBeDisabled();
  await expect(stateBadge(page)).toHaveAttribute("data-state", "active", { timeout: 20_000 });
  await expect(page.getByText("The purge is finished: sending is active again.")).toBeVisible();
  // purged mail stays listed, as purged, until retention removes it
  for (const subject of subjects) {
    const row = heldTable(page).getByRole("row").filter({ hasText: subject });
    await expect(row).toContainText("purged");
  }

  const status = await product.services.email.status(SYSTEM, hosting.serviceName);
  expect(status).toMatchObject({ state: "active", held: 0, queued: 0, sent: 0 });
  expect(relayedSubjects(product).filter((s) => subjects.includes(s))).toEqual([]);
});

test("unblock releases the held mail to the relay", async ({ page, product, hosting }) => {
  await signIn(page, product.users.customer);
  await openHosting(page, hosting.serviceName);
  const sentTotal = counterValue(page, "Sent in total");
  await expect(sentTotal).toHaveText("0");

  await confirmAction(page, "Block sending", "Block now");
  await expect(stateBadge(page)).toHaveAttribute("data-state", "blocked");
  const subject = `Invoice ${hosting.serviceName}`;
  expect(await sendMail(product, hosting, subject)).toMatch(/Held as/);
  await page.reload();
  const row = heldTable(page).getByRole("row").filter({ hasText: subject });
  await expect(row).toContainText("held");
  await expect(counterValue(page, "Held")).toHaveText("1");
  expect(relayedSubjects(product)).not.toContain(subject);

  const explained = await confirmAction(page, "Unblock sending", "Unblock and send");
  expect(explained).toContain("1 held message goes out now.");
  await expect(stateBadge(page)).toHaveAttribute("data-state", "active");

  await expect
    .poll(() => relayedSubjects(product).includes(subject), { timeout: 20_000 })
    .toBe(true);
  const relayed = product.relay.received.find((m) => m.raw.toString().includes(subject));
  expect(relayed?.to).toEqual(["reader@dest.test"]);

  // the page follows the released mail by itself, without a reload
  await expect(sentTotal).toHaveText("1", { timeout: 15_000 });
  await expect(row).toContainText("sent");
  await expect(row).not.toContainText("held");
});

test("the report recipient refuses an invalid address, then saves a valid one", async ({
  page,
  product,
  hosting,
}) => {
  await signIn(page, product.users.customer);
  await openHosting(page, hosting.serviceName);
  const shown = page.getByTestId("report-recipient");
  await expect(shown).toHaveText(product.users.customer.email);

  await page.getByRole("button", { name: "Change recipient", exact: true }).click();
  const dialog = page.getByRole("dialog");
  const input = dialog.getByLabel("Recipient e-mail address");
  await input.fill("reports at example");
  await dialog.getByRole("button", { name: "Save", exact: true }).click();
  await expect(dialog.getByRole("alert")).toContainText("Enter a valid e-mail address");
  await expect(input).toHaveAttribute("aria-invalid", "true");
  await expect(dialog).toBeVisible();
  expect((await product.services.email.status(SYSTEM, hosting.serviceName)).reportRecipient).toBe(
    product.users.customer.email,
  );

  await input.fill("reports@example.net");
  await dialog.getByRole("button", { name: "Save", exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(shown).toHaveText("reports@example.net");
  await expect(page.getByText("The error report now goes to reports@example.net.")).toBeVisible();
  expect((await product.services.email.status(SYSTEM, hosting.serviceName)).reportRecipient).toBe(
    "reports@example.net",
  );
  await page.reload();
  await expect(shown).toHaveText("reports@example.net");
});

test("a test e-mail goes through the hosting's own path to the relay", async ({
  page,
  product,
  hosting,
}) => {
  await signIn(page, product.users.customer);
  await openHosting(page, hosting.serviceName);
  const to = `check-${hosting.serviceName}@inbox.test`;

  await page.getByRole("button", { name: "Send a test e-mail", exact: true }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByLabel("Send to")).toHaveValue(product.users.customer.email);
  await dialog.getByLabel("Send to").fill(to);
  await dialog.getByRole("button", { name: "Send test", exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText(`The test e-mail to ${to} is queued for delivery.`)).toBeVisible();

  await expect
    .poll(() => product.relay.received.some((m) => m.to.includes(to)), { timeout: 20_000 })
    .toBe(true);
});
