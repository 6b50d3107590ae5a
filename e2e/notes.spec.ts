import { expect, openHosting, signIn, stateBadge, test } from "./fixtures.ts";

// Issue 17: support's internal notes sit beside the hosting's history; the customer never sees
// them, nor their entries in the activity log, nor any call for them.

test("support adds an internal note beside the history; the customer sees nothing of it", async ({
  page,
  browser,
  product,
  hosting,
}) => {
  // two signed-in browsers (support's and the customer's) in one test
  test.setTimeout(120_000);
  const { customer, support } = product.users;
  const text = "Owner called about the contact form; watching bounces until Friday.";
  const longWord = `https://tracker.example.test/${"x".repeat(300)}`;

  await signIn(page, support);
  await page.goto(`/hostings/${encodeURIComponent(hosting.serviceName)}`);
  await expect(stateBadge(page)).toBeVisible();
  const notes = page.getByRole("region", { name: "Internal notes" });
  await expect(notes).toContainText("No internal notes on this hosting yet.");
  // the history comes right before the notes
  const history = page.getByRole("region", { name: "History", exact: true });
  await expect(history).toBeVisible();

  const field = notes.getByRole("textbox", { name: "New note" });
  await notes.getByRole("button", { name: "Add note" }).click();
  await expect(notes.getByText("Write the note before adding it.")).toBeVisible();
  await expect(field).toHaveAttribute("aria-invalid", "true");

  await field.fill(`${text}\n${longWord}`);
  await expect(
    notes.getByText(
      `${(2000 - text.length - 1 - longWord.length).toLocaleString("en-GB")} characters left`,
    ),
  ).toBeVisible();
  await notes.getByRole("button", { name: "Add note" }).click();
  await expect(page.getByText("Internal note added.")).toBeVisible();
  const item = notes.getByRole("listitem").filter({ hasText: text });
  await expect(item).toContainText(`by ${support.email}`);
  await expect(field).toHaveValue("");
  // a 300-character word wraps inside the card instead of widening the page
  const widths = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
  }));
  expect(widths.scroll).toBeLessThanOrEqual(widths.inner);

  const activity = page.getByRole("region", { name: "Activity log" });
  await expect(activity).toContainText("added an internal note");

  const customerContext = await browser.newContext({ baseURL: product.url, locale: "en-GB" });
  try {
    const customerPage = await customerContext.newPage();
    const asked: string[] = [];
    customerPage.on("request", (r) => {
      if (r.url().includes("/notes")) asked.push(r.url());
    });
    await signIn(customerPage, customer);
    await openHosting(customerPage, hosting.serviceName);
    await expect(customerPage.getByRole("region", { name: "History", exact: true })).toBeVisible();
    await expect(customerPage.getByRole("region", { name: "Activity log" })).toBeVisible();
    await expect(customerPage.getByRole("region", { name: "Internal notes" })).toHaveCount(0);
    await expect(customerPage.getByText(text)).toHaveCount(0);
    await expect(customerPage.getByText("internal note")).toHaveCount(0);
    expect(asked).toEqual([]);
    // asked directly, the API answers as if there were nothing
    const res = await customerPage.request.get(
      `/api/hostings/${encodeURIComponent(hosting.serviceName)}/notes`,
    );
    expect(res.status()).toBe(404);
  } finally {
    await customerContext.close();
  }

  await notes.getByRole("button", { name: /^Delete the note of / }).click();
  const dialog = page.getByRole("dialog", { name: "Delete this internal note?" });
  await expect(dialog).toContainText(text);
  await dialog.getByRole("button", { name: "Delete note" }).click();
  await expect(dialog).toBeHidden();
  await expect(notes).toContainText("No internal notes on this hosting yet.");
  await expect(activity).toContainText("deleted an internal note");
});
