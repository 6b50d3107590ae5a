import { emailAddress } from "@scripts-email/contracts";
import { type FormEvent, type ReactNode, useId, useState } from "react";
import { isApiError } from "../lib/api-client.ts";
import { useI18n } from "../lib/i18n.tsx";
import { Dialog } from "./dialog.tsx";
import { ErrorAlert } from "./error-message.tsx";

/**
 * A dialog asking for one address (e-mail or URL): checked with the contracts' rule before the
 * server is asked, and the server's own refusal of that field shown at the field.
 */
export function AddressDialog<T>(props: {
  title: string;
  intro: ReactNode;
  label: string;
  /** The request body's field, for the server's field error. */
  name: string;
  defaultValue: string;
  invalidMessage: string;
  submitLabel: string;
  /** The checked value, or undefined when the input is not valid. */
  parse: (input: string) => T | undefined;
  inputType?: "email" | "url";
  /** Shown under the field. */
  hint?: string;
  mutation: { error: unknown; isPending: boolean; reset(): void };
  onSubmit: (value: T) => void;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const [clientInvalid, setClientInvalid] = useState(false);
  const inputId = useId();
  const errorId = useId();
  const hintId = useId();
  const { mutation } = props;
  const serverField = isApiError(mutation.error)
    ? mutation.error.fieldError(props.name)
    : undefined;
  const invalid = clientInvalid || serverField !== undefined;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const parsed = props.parse(String(new FormData(event.currentTarget).get(props.name) ?? ""));
    if (parsed === undefined) {
      mutation.reset();
      setClientInvalid(true);
      return;
    }
    setClientInvalid(false);
    props.onSubmit(parsed);
  };

  return (
    <Dialog title={props.title} onClose={props.onClose}>
      <form onSubmit={submit} noValidate className="form">
        {props.intro}
        <div className="field">
          <label htmlFor={inputId}>{props.label}</label>
          <input
            id={inputId}
            name={props.name}
            type={props.inputType ?? "email"}
            autoComplete={props.inputType === "url" ? "url" : "email"}
            maxLength={props.inputType === "url" ? 2000 : 254}
            defaultValue={props.defaultValue}
            required
            aria-invalid={invalid || undefined}
            aria-describedby={
              [invalid ? errorId : "", props.hint ? hintId : ""].join(" ").trim() || undefined
            }
            onInput={() => clientInvalid && setClientInvalid(false)}
            data-autofocus
          />
          {props.hint && (
            <p id={hintId} className="hint">
              {props.hint}
            </p>
          )}
          {invalid && (
            <p id={errorId} className="field-error" role="alert">
              {props.invalidMessage}
            </p>
          )}
        </div>
        {!serverField && <ErrorAlert error={mutation.error} />}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={props.onClose}>
            {t("web.common.cancel")}
          </button>
          <button type="submit" className="button button-primary" disabled={mutation.isPending}>
            {props.submitLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** An e-mail address by the contracts' rule (normalised), or undefined. */
export function asEmailAddress(input: string): string | undefined {
  const parsed = emailAddress.safeParse(input);
  return parsed.success ? parsed.data : undefined;
}
