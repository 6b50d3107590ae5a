import { readFileSync } from "node:fs";
import path from "node:path";
import { INTL_TAGS, type Locale, type MessageKey, t } from "../packages/i18n/src/index.ts";

export type { Locale, MessageKey };

const DIR = path.resolve(import.meta.dirname, "../packages/i18n/src/catalogue");
const own = new Map<Locale, Record<string, string>>();

function catalogue(locale: Locale): Record<string, string> {
  let entries = own.get(locale);
  if (!entries) {
    entries = JSON.parse(readFileSync(path.join(DIR, `${locale}.json`), "utf8")) as Record<
      string,
      string
    >;
    own.set(locale, entries);
  }
  return entries;
}

/**
 * A message as the panel shows it in `locale`. Unlike the panel, which falls back to English,
 * a message missing from the locale's own catalogue fails the test: an untranslated string
 * would otherwise pass unseen.
 */
export function say(locale: Locale, key: MessageKey, params?: Record<string, string | number>) {
  if (typeof catalogue(locale)[key] !== "string") {
    throw new Error(`"${key}" is missing from the ${locale} catalogue`);
  }
  return t(locale, key, params);
}

/** The `lang` attribute of the page in `locale`, e.g. pt-PT. */
export function htmlLang(locale: Locale): string {
  return INTL_TAGS[locale];
}
