import en from "./catalogue/en.json" with { type: "json" };
import fr from "./catalogue/fr.json" with { type: "json" };
import pt from "./catalogue/pt.json" with { type: "json" };

export const LOCALES = ["en", "pt", "fr"] as const;
export type Locale = (typeof LOCALES)[number];
/** English is the reference catalogue: every key must exist there. */
export type MessageKey = keyof typeof en;

const catalogues: Record<Locale, Partial<Record<MessageKey, string>>> = { en, pt, fr };

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

/** Translates `key`, replacing `{name}` placeholders; falls back to English, then to the key. */
export function t(
  locale: Locale,
  key: MessageKey,
  params: Record<string, string | number> = {},
): string {
  const template = catalogues[locale][key] ?? en[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}
