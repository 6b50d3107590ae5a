import {
  type SelectionFilter,
  type SelectionStatus,
  selectionFilter,
  selectionStatus,
} from "@scripts-email/contracts";
import { type FormEvent, useId, useRef, useState } from "react";
import { ErrorAlert } from "../../../components/error-message.tsx";
import { useI18n } from "../../../lib/i18n.tsx";
import { useSelectionCount } from "../api/count-selection.ts";
import type { SelectionKind } from "./selection-filter.ts";

const TEXT_FIELDS = ["script", "sender", "recipient", "subject"] as const;
const TIME_FIELDS = ["from", "to"] as const;
type FieldName = (typeof TEXT_FIELDS)[number] | (typeof TIME_FIELDS)[number] | "status";

/** The statuses a new form starts with: the held mail, spam included. */
const DEFAULT_STATUSES: readonly SelectionStatus[] = ["held", "spam"];

export type FilterBuild =
  | { ok: true; filter: SelectionFilter; statuses: SelectionStatus[] }
  | { ok: false; invalid: FieldName[] };

/**
 * The selection filter the form describes: each field filled must match; the times typed are
 * local to the browser, sent as instants. At least one status.
 */
export function filterFromForm(form: HTMLFormElement): FilterBuild {
  const data = new FormData(form);
  const statuses = selectionStatus.options.filter((s) => data.getAll("status").includes(s));
  const values: Record<string, unknown> = { status: statuses };
  for (const name of TEXT_FIELDS) {
    const value = String(data.get(name) ?? "").trim();
    if (value) values[name] = value;
  }
  const invalid = new Set<FieldName>();
  for (const name of TIME_FIELDS) {
    const value = String(data.get(name) ?? "");
    if (!value) continue;
    const time = new Date(value);
    if (Number.isNaN(time.getTime())) invalid.add(name);
    else values[name] = time.toISOString();
  }
  if (statuses.length === 0) invalid.add("status");
  const parsed = selectionFilter.safeParse(values);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) invalid.add(issue.path[0] as FieldName);
  }
  if (invalid.size > 0 || !parsed.success) return { ok: false, invalid: [...invalid] };
  return { ok: true, filter: parsed.data, statuses };
}

/**
 * "Filter held mail": beyond the groups, any mix of status, script, sender, recipient, subject and
 * acceptance time; Count answers at once, Release and Delete confirm with the count first.
 */
export function SelectMailForm(props: {
  serviceName: string;
  /** Open at first (during an incident); a disclosure otherwise, to keep the page compact. */
  defaultOpen: boolean;
  onAction: (kind: SelectionKind, filter: SelectionFilter, statuses: SelectionStatus[]) => void;
}) {
  const { t } = useI18n();
  const [open, setOpen] = useState(props.defaultOpen);
  const [invalid, setInvalid] = useState<FieldName[]>([]);
  const [counted, setCounted] = useState<SelectionFilter | null>(null);
  const count = useSelectionCount(props.serviceName, counted);
  const formRef = useRef<HTMLFormElement>(null);
  const summaryId = useId();
  const idPrefix = useId();
  const id = (name: string) => `${idPrefix}-${name}`;

  const build = (): FilterBuild | null => {
    const form = formRef.current;
    if (!form) return null;
    const built = filterFromForm(form);
    setInvalid(built.ok ? [] : built.invalid);
    return built;
  };

  const countNow = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const built = build();
    if (!built?.ok) return;
    if (counted && JSON.stringify(counted) === JSON.stringify(built.filter)) void count.refetch();
    else setCounted(built.filter);
  };

  const act = (kind: SelectionKind) => {
    const built = build();
    if (built?.ok) props.onAction(kind, built.filter, built.statuses);
  };

  const fieldProps = (name: FieldName) => ({
    id: id(name),
    name,
    "aria-invalid": invalid.includes(name) ? true : undefined,
  });

  return (
    <details
      className="select-mail"
      open={open}
      onToggle={(event) => setOpen(event.currentTarget.open)}
    >
      <summary id={summaryId}>{t("web.heldMail.filter.heading")}</summary>
      <form
        ref={formRef}
        aria-labelledby={summaryId}
        noValidate
        className="form"
        onSubmit={countNow}
        onChange={() => setCounted(null)}
      >
        <p className="hint">{t("web.heldMail.filter.intro")}</p>
        <fieldset className="checkbox-row" aria-invalid={invalid.includes("status") || undefined}>
          <legend>{t("web.heldMail.filter.status")}</legend>
          {selectionStatus.options.map((status) => (
            <label key={status} className="checkbox">
              <input
                type="checkbox"
                name="status"
                value={status}
                defaultChecked={DEFAULT_STATUSES.includes(status)}
              />
              {t(`web.heldMail.filter.status.${status}`)}
            </label>
          ))}
        </fieldset>
        <div className="filter-grid">
          {TEXT_FIELDS.map((name) => (
            <div className="field" key={name}>
              <label htmlFor={id(name)}>{t(`web.heldMail.filter.${name}`)}</label>
              <input
                {...fieldProps(name)}
                type={name === "sender" ? "email" : "text"}
                maxLength={name === "subject" ? 200 : 254}
                autoComplete="off"
                {...(name === "recipient" ? { "aria-describedby": id("recipient-hint") } : {})}
              />
              {name === "recipient" && (
                <p id={id("recipient-hint")} className="hint">
                  {t("web.heldMail.filter.recipientHint")}
                </p>
              )}
            </div>
          ))}
          {TIME_FIELDS.map((name) => (
            <div className="field" key={name}>
              <label htmlFor={id(name)}>{t(`web.heldMail.filter.${name}`)}</label>
              <input {...fieldProps(name)} type="datetime-local" />
            </div>
          ))}
        </div>
        {invalid.length > 0 && (
          <p role="alert" className="alert alert-error">
            {invalid.includes("status")
              ? t("web.heldMail.filter.noStatus")
              : t("web.heldMail.filter.invalid", {
                  fields: invalid.map((name) => t(`web.heldMail.filter.${name}`)).join(", "),
                })}
          </p>
        )}
        <div className="inline-row wrap">
          <div aria-live="polite" className="selection-count">
            {counted && count.data && (
              <strong>{t("web.heldMail.filter.matched", { count: count.data.matched })}</strong>
            )}
          </div>
          <div className="inline-row">
            <button type="submit" className="button button-small">
              {t("web.heldMail.filter.count")}
            </button>
            <button type="button" className="button button-small" onClick={() => act("release")}>
              {t("web.heldMail.filter.release")}
            </button>
            <button
              type="button"
              className="button button-small button-danger"
              onClick={() => act("delete")}
            >
              {t("web.heldMail.filter.delete")}
            </button>
          </div>
        </div>
        <ErrorAlert error={count.error} />
      </form>
    </details>
  );
}
