import {
  expect,
  keepScreenshot,
  makeActivity,
  openHosting,
  signIn,
  stateBadge,
  test,
} from "./fixtures.ts";

// What each language shows; written out here so that a broken catalogue shows up.
const LANGUAGES = [
  {
    code: "en",
    stateHeading: "Sending",
    htmlLang: "en-GB",
    switchLabel: "Language",
    block: "Block sending",
    unblock: "Unblock sending",
    messages: "Held and queued mail",
    state: "blocked",
  },
  {
    code: "pt",
    stateHeading: "Envio",
    htmlLang: "pt-PT",
    switchLabel: "Idioma",
    block: "Bloquear envio",
    unblock: "Desbloquear envio",
    messages: "Correio retido e em fila",
    state: "bloqueado",
  },
  {
    code: "fr",
    stateHeading: "Envoi",
    htmlLang: "fr-FR",
    switchLabel: "Langue",
    block: "Bloquer l’envoi",
    unblock: "Débloquer l’envoi",
    messages: "Messages retenus et en file d’attente",
    state: "bloqué",
  },
] as const;

test("the main page in English, Portuguese and French", async ({
  page,
  product,
  hosting,
}, testInfo) => {
  await makeActivity(product, hosting);
  await signIn(page, product.users.customer);
  await openHosting(page, hosting.serviceName);
  await expect(page.getByRole("table", { name: "Held and queued mail" })).toBeVisible();

  let switchLabel = "Language";
  for (const lang of LANGUAGES) {
    await page.getByRole("combobox", { name: switchLabel, exact: true }).selectOption(lang.code);
    switchLabel = lang.switchLabel;
    await expect(page.locator("html")).toHaveAttribute("lang", lang.htmlLang);
    await expect(page.getByRole("combobox", { name: lang.switchLabel, exact: true })).toBeVisible();
    await expect(page.getByRole("button", { name: lang.block, exact: true })).toBeDisabled();
    await expect(page.getByRole("button", { name: lang.unblock, exact: true })).toBeEnabled();
    await expect(page.getByRole("heading", { name: lang.messages, exact: true })).toBeVisible();
    await expect(stateBadge(page, lang.stateHeading)).toHaveText(lang.state);
    // the lists re-render in the new language once their data is there
    await expect(page.getByRole("table", { name: lang.messages, exact: true })).toBeVisible();
    await keepScreenshot(page, testInfo, `page-${lang.code}`);
  }

  // the choice is remembered for the next visit
  await page.reload();
  await expect(page.locator("html")).toHaveAttribute("lang", "fr-FR");
});
