import { expect, openHosting, signIn, stateBadge, supportApi, test } from "./fixtures.ts";

// The open page follows what happens elsewhere, and a signed-out load is quiet.

/**
 * The page polls every 4 s while visible (the component test holds it to that with fake timers);
 * here the bound leaves room for a loaded machine. Without the poll the page never changes.
 */
const A_FEW_SECONDS = 15_000;

test("the customer's open page shows support's block and unblock within a few seconds", async ({
  page,
  product,
  hosting,
}) => {
  await signIn(page, product.users.customer);
  await openHosting(page, hosting.serviceName);
  await expect(stateBadge(page)).toHaveAttribute("data-state", "active");
  const support = await supportApi(product.url, product.users.support);
  try {
    await support.act(hosting.serviceName, "block", "Complaints from the relay");
    await expect(stateBadge(page)).toHaveAttribute("data-state", "blocked", {
      timeout: A_FEW_SECONDS,
    });
    const history = page.getByRole("region", { name: "History" });
    await expect(history.getByRole("listitem").first()).toContainText("active → blocked", {
      timeout: A_FEW_SECONDS,
    });

    await support.act(hosting.serviceName, "unblock", "Customer fixed the contact form");
    await expect(stateBadge(page)).toHaveAttribute("data-state", "active", {
      timeout: A_FEW_SECONDS,
    });
    await expect(history.getByRole("listitem").first()).toContainText("blocked → active", {
      timeout: A_FEW_SECONDS,
    });
    await expect(history.getByText("Reason: Customer fixed the contact form")).toBeVisible();
  } finally {
    await support.dispose();
  }
});

test("loading the panel signed out logs no 401 in the console", async ({ page, product }) => {
  const consoleMessages: string[] = [];
  const unauthorised: string[] = [];
  page.on("console", (message) => consoleMessages.push(`${message.type()}: ${message.text()}`));
  page.on("response", (response) => {
    if (response.status() === 401) unauthorised.push(response.url());
  });

  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await page.reload();
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await signIn(page, product.users.customer);

  expect(unauthorised).toEqual([]);
  expect(consoleMessages.filter((m) => /401|unauthori[sz]ed/i.test(m))).toEqual([]);
});
