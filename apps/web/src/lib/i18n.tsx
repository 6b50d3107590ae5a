import {
  hasCatalogue,
  INTL_TAGS,
  isLocale,
  type Locale,
  type MessageKey,
  t as translate,
} from "@scripts-email/i18n/core";
import { loadCatalogue } from "@scripts-email/i18n/load-catalogue";
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
} from "react";
import { setApiLanguage } from "./api-client.ts";

export type { Locale, MessageKey };

export const STORAGE_KEY = "scripts-email.locale";

export function intlTag(locale: Locale): string {
  return INTL_TAGS[locale];
}

function readStoredLocale(): Locale | null {
  try {
    const value = globalThis.localStorage?.getItem(STORAGE_KEY);
    return isLocale(value) ? value : null;
  } catch {
    return null; // storage disabled
  }
}

export function browserLocale(): Locale {
  const languages = globalThis.navigator?.languages ?? [globalThis.navigator?.language ?? "en"];
  for (const tag of languages) {
    const lang = tag.toLowerCase().split("-")[0];
    if (isLocale(lang)) return lang;
  }
  return "en";
}

export interface I18n {
  locale: Locale;
  setLocale(locale: Locale): void;
  t(key: MessageKey, params?: Record<string, string | number>): string;
  formatNumber(value: number): string;
  formatDateTime(iso: string | Date): string;
  /** A date and time on one short line, "1 Dec, 14:03" (the year only when it is not this one). */
  formatShortDateTime(iso: string | Date): string;
  /** A calendar day (`YYYY-MM-DD`), shown as it is, whatever the time zone. */
  formatDay(isoDate: string, style?: "short" | "long"): string;
  formatBytes(bytes: number): string;
}

/**
 * Sizes as "192 B", "1.5 kB", "2,3 Mo": the locale's number and unit symbol, one no-break space
 * between them (Intl's narrow units have none in English or French: "192B", "192o"; its short
 * byte is the word "byte").
 */
function byteFormats(tag: string) {
  const format = (unit: "byte" | "kilobyte" | "megabyte") => {
    const intl = new Intl.NumberFormat(tag, {
      style: "unit",
      unit,
      unitDisplay: "narrow",
      maximumFractionDigits: 1,
    });
    return (value: number) => {
      const parts = intl.formatToParts(value);
      const symbol = parts.find((p) => p.type === "unit")?.value ?? "";
      const number = parts
        .filter((p) => p.type !== "unit" && !(p.type === "literal" && p.value.trim() === ""))
        .map((p) => p.value)
        .join("");
      return `${number}\u00a0${symbol}`;
    };
  };
  return { byte: format("byte"), kilobyte: format("kilobyte"), megabyte: format("megabyte") };
}

export function createI18n(locale: Locale, setLocale: (locale: Locale) => void): I18n {
  const tag = intlTag(locale);
  const number = new Intl.NumberFormat(tag);
  const dateTime = new Intl.DateTimeFormat(tag, { dateStyle: "medium", timeStyle: "short" });
  const shortDateTime = new Intl.DateTimeFormat(tag, {
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
  });
  const shortDateTimeYear = new Intl.DateTimeFormat(tag, {
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
  const dayShort = new Intl.DateTimeFormat(tag, {
    day: "numeric",
    month: "short",
    timeZone: "UTC",
  });
  const dayLong = new Intl.DateTimeFormat(tag, { dateStyle: "long", timeZone: "UTC" });
  const bytes = byteFormats(tag);
  return {
    locale,
    setLocale,
    t: (key, params) => translate(locale, key, params),
    formatNumber: (value) => number.format(value),
    formatDateTime: (iso) => dateTime.format(typeof iso === "string" ? new Date(iso) : iso),
    formatShortDateTime: (iso) => {
      const date = typeof iso === "string" ? new Date(iso) : iso;
      const thisYear = date.getFullYear() === new Date().getFullYear();
      return (thisYear ? shortDateTime : shortDateTimeYear).format(date);
    },
    formatDay: (isoDate, style = "short") =>
      (style === "short" ? dayShort : dayLong).format(new Date(`${isoDate}T00:00:00Z`)),
    formatBytes: (value) => {
      if (value < 1000) return bytes.byte(value);
      if (value < 999_950) return bytes.kilobyte(value / 1000);
      return bytes.megabyte(value / 1_000_000);
    },
  };
}

const I18nContext = createContext<I18n | null>(null);

/**
 * The language wanted once its catalogue is there (downloaded on demand, English is built in);
 * until then the one shown before, or nothing at first, so that no page flashes in English. A
 * catalogue that cannot be downloaded leaves its language's messages in English.
 */
function useShownLocale(wanted: Locale): Locale | null {
  const [shown, setShown] = useState<Locale | null>(() => (hasCatalogue(wanted) ? wanted : null));
  useEffect(() => {
    if (shown === wanted) return;
    let current = true;
    const show = () => {
      if (current) setShown(wanted);
    };
    loadCatalogue(wanted).then(show, show);
    return () => {
      current = false;
    };
  }, [wanted, shown]);
  return shown;
}

/**
 * The language is, in order: the one picked with the switch (remembered in localStorage), the
 * signed-in user's, the browser's.
 */
export function I18nProvider(props: { userLocale?: Locale | undefined; children: ReactNode }) {
  const [chosen, setChosen] = useState<Locale | null>(readStoredLocale);
  const locale = useShownLocale(chosen ?? props.userLocale ?? browserLocale());

  const setLocale = useCallback((next: Locale) => {
    setChosen(next);
    try {
      globalThis.localStorage?.setItem(STORAGE_KEY, next);
    } catch {
      // storage disabled: the choice lasts for this page only
    }
  }, []);

  const value = useMemo(() => {
    if (locale === null) return null;
    setApiLanguage(locale);
    if (typeof document !== "undefined") document.documentElement.lang = intlTag(locale);
    return createI18n(locale, setLocale);
  }, [locale, setLocale]);

  if (value === null) return null;
  return <I18nContext.Provider value={value}>{props.children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error("useI18n outside I18nProvider");
  return value;
}
