import { isLocale, LOCALES, type Locale } from "@scripts-email/i18n/core";
import { useId } from "react";
import { useI18n } from "../lib/i18n.tsx";

// Each language names itself, so anyone can find theirs whatever is shown now.
const NATIVE_NAMES: Record<Locale, string> = { en: "English", pt: "Português", fr: "Français" };

export function LanguageSwitch() {
  const { locale, setLocale, t } = useI18n();
  const id = useId();
  return (
    <div className="language-switch">
      <label htmlFor={id}>{t("web.language.label")}</label>
      <select
        id={id}
        value={locale}
        onChange={(event) => {
          if (isLocale(event.target.value)) setLocale(event.target.value);
        }}
      >
        {LOCALES.map((code) => (
          <option key={code} value={code} lang={code}>
            {NATIVE_NAMES[code]}
          </option>
        ))}
      </select>
    </div>
  );
}
