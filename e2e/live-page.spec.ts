import { type APIRequestContext, request as playwrightRequest } from "@playwright/test";
import { expect, type Login, openHosting, signIn, stateBadge, test } from "./fixtures.ts";

// The open page follows what happens elsewhere, and a signed-out load is quiet.

/** Support, signed in through the API in a context of its own (not the customer's browser). */
async function supportApi(baseURL: string, support: Login) {
  const context: APIRequestContext = await playwrightRequest.newContext({ baseURL });
  const signedIn = await context.post("/api/session", { data: support });
  expect(signedIn.status()).toBe(200);
  const { csrfToken } = (await signedIn.json()) as { csrfToken: string };
  return {
    async act(serviceName: string, action: "block" | "unblock", reason: string) {
      const res = await context.post(`/api/hostings/${serviceName}/email/requests`, {
        data: { action, reason },
        headers: { "x-csrf-token": csrfToken },
      });
      expect(res.status(), await res.text()).toBe(202);
    },
    dispose: () => context.dispose(),
  };
}

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
