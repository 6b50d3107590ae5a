import { messageOutcome, messageStatus } from "@scripts-email/contracts";
import { type FormEvent, useCallback, useEffect, useId, useRef, useState } from "react";
import { useI18n } from "../../../lib/i18n.tsx";
import { hasFilters, type MessageFilters } from "./message-filters.ts";

/** How long typing pauses before a text filter is searched. */
export const SEARCH_DEBOUNCE_MS = 300;

type TextFilter = "q" | "script" | "recipient";

/**
 * The search box and filters above the message list. Texts are searched once typing pauses (or
 * at once with Enter); the choices and days at once. Every field has its label; at phone width
 * the fields stack.
 */
export function MessageSearchForm(props: {
  filters: MessageFilters;
  onChange: (next: MessageFilters) => void;
}) {
  const { t } = useI18n();
  const id = useId();
  const { filters, onChange } = props;
  // the latest filters and setter, for a debounced commit that fires after they changed
  const latest = useRef({ filters, onChange });
  latest.current = { filters, onChange };
  const [drafts, setDrafts] = useState<Record<TextFilter, string>>({
    q: filters.q,
    script: filters.script,
    recipient: filters.recipient,
  });
  const committed = useRef(drafts);

  // the address changed elsewhere (cleared, back, a shared link): the boxes follow it
  useEffect(() => {
    const fromUrl = { q: filters.q, script: filters.script, recipient: filters.recipient };
    committed.current = fromUrl;
    setDrafts(fromUrl);
  }, [filters.q, filters.script, filters.recipient]);

  // reads and writes only refs and the setter it is given: the same function on every render
  const commit = useCallback((texts: Record<TextFilter, string>) => {
    const before = committed.current;
    if (
      before.q === texts.q &&
      before.script === texts.script &&
      before.recipient === texts.recipient
    ) {
      return;
    }
    committed.current = texts;
    latest.current.onChange({ ...latest.current.filters, ...texts });
  }, []);

  useEffect(() => {
    const timer = setTimeout(() => commit(drafts), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [drafts, commit]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    commit(drafts);
  };

  const text = (name: TextFilter, label: string, extra: { type?: string; hint?: string } = {}) => (
    <div className="field">
      <label htmlFor={`${id}-${name}`}>{label}</label>
      <input
        id={`${id}-${name}`}
        type={extra.type ?? "text"}
        value={drafts[name]}
        autoComplete="off"
        spellCheck={false}
        {...(extra.hint ? { "aria-describedby": `${id}-${name}-hint` } : {})}
        onChange={(e) => {
          const value = e.target.value;
          setDrafts((d) => ({ ...d, [name]: value }));
        }}
      />
      {extra.hint && (
        <p id={`${id}-${name}-hint`} className="hint">
          {extra.hint}
        </p>
      )}
    </div>
  );

  return (
    <search aria-label={t("web.messages.search.region")}>
      <form className="form" onSubmit={submit}>
        <div className="filter-grid">
          {text("q", t("web.messages.search.q"), {
            type: "search",
            hint: t("web.messages.search.qHelp"),
          })}
          <div className="field">
            <label htmlFor={`${id}-outcome`}>{t("web.messages.search.outcome")}</label>
            <select
              id={`${id}-outcome`}
              value={filters.outcome ?? ""}
              onChange={(e) => {
                const parsed = messageOutcome.safeParse(e.target.value);
                onChange({ ...filters, outcome: parsed.success ? parsed.data : undefined });
              }}
            >
              <option value="">{t("web.messages.search.outcomeAll")}</option>
              {messageOutcome.options.map((o) => (
                <option key={o} value={o}>
                  {t(`web.messages.outcome.${o}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-status`}>{t("web.messages.filter")}</label>
            <select
              id={`${id}-status`}
              value={filters.status ?? ""}
              onChange={(e) => {
                const parsed = messageStatus.safeParse(e.target.value);
                onChange({ ...filters, status: parsed.success ? parsed.data : undefined });
              }}
            >
              <option value="">{t("web.messages.filterAll")}</option>
              {messageStatus.options.map((s) => (
                <option key={s} value={s}>
                  {t(`web.messageStatus.${s}`)}
                </option>
              ))}
            </select>
          </div>
          {text("script", t("web.messages.search.script"))}
          {text("recipient", t("web.messages.search.recipient"))}
          <div className="field">
            <label htmlFor={`${id}-from`}>{t("web.messages.search.from")}</label>
            <input
              id={`${id}-from`}
              type="date"
              value={filters.from}
              max={filters.to || undefined}
              onChange={(e) => onChange({ ...filters, from: e.target.value })}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-to`}>{t("web.messages.search.to")}</label>
            <input
              id={`${id}-to`}
              type="date"
              value={filters.to}
              min={filters.from || undefined}
              onChange={(e) => onChange({ ...filters, to: e.target.value })}
            />
          </div>
        </div>
        <div className="inline-row wrap">
          {/* Enter in any box searches at once; the button is there for those who look for it */}
          <button type="submit" className="button button-small">
            {t("web.messages.search.q")}
          </button>
          {hasFilters(filters) && (
            <button
              type="button"
              className="button button-small"
              onClick={() =>
                onChange({
                  q: "",
                  script: "",
                  recipient: "",
                  from: "",
                  to: "",
                  outcome: undefined,
                  status: undefined,
                })
              }
            >
              {t("web.messages.search.clear")}
            </button>
          )}
        </div>
      </form>
    </search>
  );
}
