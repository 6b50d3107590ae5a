// The panel's catalogues beyond English, each a chunk of its own downloaded for the language shown.
import { addCatalogue, type Catalogue, hasCatalogue, type Locale } from "./core.ts";

const loaders: Record<Exclude<Locale, "en">, () => Promise<{ default: Catalogue }>> = {
  pt: () => import("./catalogue/pt.json", { with: { type: "json" } }),
  fr: () => import("./catalogue/fr.json", { with: { type: "json" } }),
};

/** Adds `locale`'s catalogue if it is not there yet; rejects when it cannot be downloaded. */
export async function loadCatalogue(locale: Locale): Promise<void> {
  if (locale === "en" || hasCatalogue(locale)) return;
  const messages = await loaders[locale]();
  addCatalogue(locale, messages.default);
}
