import { type FormEvent, useId } from "react";
import { useI18n } from "../../../lib/i18n.tsx";

/** Support's search of a hosting by its service name or its owner's address. */
export function FleetSearch(props: { initial: string; onSearch: (q: string) => void }) {
  const { t } = useI18n();
  const id = useId();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    props.onSearch(String(new FormData(event.currentTarget).get("q") ?? "").trim());
  };
  return (
    <search>
      <form className="search-form" onSubmit={submit}>
        <label htmlFor={id}>{t("web.hostings.search.label")}</label>
        <div className="inline-row">
          <input
            id={id}
            name="q"
            type="search"
            defaultValue={props.initial}
            placeholder={t("web.hostings.search.placeholder")}
            maxLength={254}
          />
          <button type="submit" className="button">
            {t("web.hostings.search.submit")}
          </button>
        </div>
      </form>
    </search>
  );
}
