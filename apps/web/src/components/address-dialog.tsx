import { emailAddress } from "@scripts-email/contracts";
import { type FormEvent, type ReactNode, useId, useState } from "react";
import { isApiError } from "../lib/api-client.ts";
import { useI18n } from "../lib/i18n.tsx";
import { Dialog } from "./dialog.tsx";
import { ErrorAlert } from "./error-message.tsx";

/**
 * A dialog asking for one e-mail address: checked with the contracts' rule before the server is
 * asked, and the server's own refusal of that field shown at the field.
 */
export function AddressDialog(props: {
  title: string;
  intro: ReactNode;
  label: string;
  /** The request body's field, for the server's field error. */
  name: string;
  defaultValue: string;
  invalidMessage: string;
  submitLabel: string;
  mutation: { error: unknown; isPending: boolean; reset(): void };
  onSubmit: (address: string) => void;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const [clientInvalid, setClientInvalid] = useState(false);
  const inputId = useId();
  const errorId = useId();
  const { mutation } = props;
  const serverField = isApiError(mutation.error)
    ? mutation.error.fieldError(props.name)
    : undefined;
  const invalid = clientInvalid || serverField !== undefined;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const parsed = emailAddress.safeParse(
      String(new FormData(event.currentTarget).get(props.name) ?? ""),
    );
    if (!parsed.success) {
      mutation.reset();
      setClientInvalid(true);
      return;
    }
    setClientInvalid(false);
    props.onSubmit(parsed.data);
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
            type="email"
            autoComplete="email"
            maxLength={254}
            defaultValue={props.defaultValue}
            required
            aria-invalid={invalid || undefined}
            aria-describedby={invalid ? errorId : undefined}
            onInput={() => clientInvalid && setClientInvalid(false)}
            data-autofocus
          />
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
