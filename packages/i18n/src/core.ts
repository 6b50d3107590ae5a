// The translator with the English catalogue only: the panel imports this and downloads the
// language it shows (`load-catalogue.ts`); `index.ts` adds every catalogue for the server.
import { IntlMessageFormat } from "intl-messageformat";
import en from "./catalogue/en.json" with { type: "json" };

export {
  type AutomaticBlock,
  automaticBlockText,
  type BlockReasonKey,
  type BlockReasonTranslate,
  blockReasonText,
  parseAutomaticReason,
} from "./block-reason.ts";

export const LOCALES = ["en", "pt", "fr"] as const;
export type Locale = (typeof LOCALES)[number];
/** English is the reference catalogue: every key must exist there. */
export type MessageKey = keyof typeof en;

export type Catalogue = Partial<Record<MessageKey, string>>;

const catalogues: Partial<Record<Locale, Catalogue>> = { en };

export function addCatalogue(locale: Locale, messages: Catalogue): void {
  catalogues[locale] = messages;
}

/** Whether `locale`'s own messages are there (else its messages read in English). */
export function hasCatalogue(locale: Locale): boolean {
  return catalogues[locale] !== undefined;
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/** Picks the best supported locale from an Accept-Language header. */
export function negotiateLocale(header: string | undefined, fallback: Locale = "en"): Locale {
  if (!header) return fallback;
  const ranked = header
    .split(",")
    .map((part) => {
      const [tag = "", q] = part.trim().split(";q=");
      return { lang: tag.toLowerCase().split("-")[0], q: q === undefined ? 1 : Number(q) };
    })
    .sort((a, b) => b.q - a.q);
  return ranked.map((r) => r.lang).find(isLocale) ?? fallback;
}

export function hasMessage(key: string): key is MessageKey {
  return key in en;
}

/** BCP 47 tags for Intl: the catalogue's pt is European Portuguese (0 takes the plural there). */
export const INTL_TAGS: Record<Locale, string> = { en: "en-GB", pt: "pt-PT", fr: "fr-FR" };

type MessageFormatElement = ReturnType<IntlMessageFormat["getAst"]>[number];
/** The parser's TYPE.literal: plain text, whose `value` is no argument name. */
const LITERAL = 0;

interface Compiled {
  format: IntlMessageFormat;
  /** The message's argument names, so that one not given shows as `{name}` rather than throw. */
  names: string[];
}

/** Compiled once per locale and key: the catalogue is finite, so the cache is too. */
const compiled = new Map<string, Compiled>();

function compile(locale: Locale, key: MessageKey, template: string): Compiled {
  const cacheKey = `${locale}\0${key}`;
  let entry = compiled.get(cacheKey);
  if (!entry) {
    // ignoreTag: a `<` in a message is text, not markup
    const format = new IntlMessageFormat(template, INTL_TAGS[locale], undefined, {
      ignoreTag: true,
    });
    entry = { format, names: [...argumentNames(format.getAst())] };
    compiled.set(cacheKey, entry);
  }
  return entry;
}

function argumentNames(elements: MessageFormatElement[], names = new Set<string>()): Set<string> {
  for (const element of elements) {
    if ("value" in element && typeof element.value === "string" && element.type !== LITERAL) {
      names.add(element.value);
    }
    if ("options" in element) {
      for (const option of Object.values(element.options)) argumentNames(option.value, names);
    }
    if ("children" in element) argumentNames(element.children, names);
  }
  return names;
}

/**
 * Translates `key` as an ICU message (`{name}` placeholders, `{count, plural, one {…} other {…}}`
 * with the locale's plural rules); falls back to English, then to the key. A placeholder without
 * a value is left as `{name}`.
 */
export function t(
  locale: Locale,
  key: MessageKey,
  params: Record<string, string | number> = {},
): string {
  const own = catalogues[locale]?.[key];
  const template = own ?? en[key] ?? key;
  const { format, names } = compile(own === undefined ? "en" : locale, key, template);
  const values: Record<string, string | number> = { ...params };
  for (const name of names) if (!(name in values)) values[name] = `{${name}}`;
  return String(format.format(values));
}
