// @vitest-environment jsdom
// Not through testing/render.tsx, which adds every catalogue: here only English is built in, and
// each test hands the provider the download of another language when it wants.
import { addCatalogue, type Locale } from "@scripts-email/i18n/core";
import { loadCatalogue } from "@scripts-email/i18n/load-catalogue";
import { act, cleanup, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import fr from "../../../../packages/i18n/src/catalogue/fr.json" with { type: "json" };
import pt from "../../../../packages/i18n/src/catalogue/pt.json" with { type: "json" };
import { I18nProvider, STORAGE_KEY, useI18n } from "./i18n.tsx";

vi.mock("@scripts-email/i18n/load-catalogue", () => ({ loadCatalogue: vi.fn() }));

const catalogues = { pt, fr };

/** The next downloads: each waits until the test lets it arrive, or fail. */
function downloads() {
  const waiting = new Map<Locale, { arrive: () => Promise<void>; fail: () => Promise<void> }>();
  vi.mocked(loadCatalogue).mockImplementation(
    (locale) =>
      new Promise<void>((resolve, reject) => {
        waiting.set(locale, {
          arrive: () =>
            act(async () => {
              if (locale !== "en") addCatalogue(locale, catalogues[locale]);
              resolve();
            }),
          fail: () =>
            act(async () => {
              reject(new TypeError("Failed to fetch dynamically imported module"));
            }),
        });
      }),
  );
  return (locale: Locale) => {
    const download = waiting.get(locale);
    if (!download) throw new Error(`no download of ${locale} was asked for`);
    return download;
  };
}

function Probe() {
  const { t, setLocale } = useI18n();
  return (
    <button type="button" onClick={() => setLocale("pt")}>
      {t("web.common.loading")}
    </button>
  );
}

afterEach(() => {
  cleanup();
  localStorage.clear();
});

// The catalogues stay added from one test to the next, as in a page: the order matters.
describe("languages other than English, downloaded on demand", () => {
  it("shows a language whose catalogue cannot be downloaded in English", async () => {
    const download = downloads();
    localStorage.setItem(STORAGE_KEY, "pt");
    const { container } = render(
      <I18nProvider>
        <Probe />
      </I18nProvider>,
    );
    expect(container.textContent).toBe("");
    await download("pt").fail();
    expect(screen.getByRole("button").textContent).toBe("Loading…");
    expect(document.documentElement.lang).toBe("pt-PT");
  });

  it("shows nothing in English while the chosen language arrives, then that language", async () => {
    const download = downloads();
    localStorage.setItem(STORAGE_KEY, "fr");
    const { container } = render(
      <I18nProvider>
        <Probe />
      </I18nProvider>,
    );
    expect(container.textContent).toBe("");
    expect(loadCatalogue).toHaveBeenCalledWith("fr");
    await download("fr").arrive();
    expect(screen.getByRole("button").textContent).toBe("Chargement…");
  });

  it("keeps the page in the language shown until the one picked has arrived", async () => {
    const download = downloads();
    localStorage.setItem(STORAGE_KEY, "fr"); // French arrived in the test before
    render(
      <I18nProvider>
        <Probe />
      </I18nProvider>,
    );
    expect(screen.getByRole("button").textContent).toBe("Chargement…");
    await userEvent.click(screen.getByRole("button")); // picks Portuguese
    expect(screen.getByRole("button").textContent).toBe("Chargement…");
    await download("pt").arrive();
    expect(screen.getByRole("button").textContent).toBe("A carregar…");
    expect(document.documentElement.lang).toBe("pt-PT");
  });
});
