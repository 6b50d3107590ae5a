import { type FormEvent, useId, useState } from "react";
import { Dialog } from "../../../components/dialog.tsx";
import { ErrorAlert } from "../../../components/error-message.tsx";
import { isApiError } from "../../../lib/api-client.ts";
import { useI18n } from "../../../lib/i18n.tsx";
import { updateEmailSettingsInput, useUpdateEmailSettings } from "../api/update-email-settings.ts";

/** Changes the address that gets the daily error report; checks it before asking the server. */
export function RecipientDialog(props: {
  serviceName: string;
  current: string | null;
  onClose: () => void;
  onDone: (address: string) => void;
}) {
  const { t } = useI18n();
  const mutation = useUpdateEmailSettings(props.serviceName);
  const [clientInvalid, setClientInvalid] = useState(false);
  const inputId = useId();
  const errorId = useId();
  const serverField = isApiError(mutation.error)
    ? mutation.error.fieldError("reportRecipient")
    : undefined;
  const invalid = clientInvalid || serverField !== undefined;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const parsed = updateEmailSettingsInput.safeParse({
      reportRecipient: String(new FormData(event.currentTarget).get("reportRecipient") ?? ""),
    });
    if (!parsed.success) {
      mutation.reset();
      setClientInvalid(true);
      return;
    }
    setClientInvalid(false);
    mutation.mutate(parsed.data, {
      onSuccess: (s) => props.onDone(s.reportRecipient ?? parsed.data.reportRecipient),
    });
  };

  return (
    <Dialog title={t("web.recipient.dialogTitle")} onClose={props.onClose}>
      <form onSubmit={submit} noValidate className="form">
        <p>{t("web.recipient.explain")}</p>
        <div className="field">
          <label htmlFor={inputId}>{t("web.recipient.label")}</label>
          <input
            id={inputId}
            name="reportRecipient"
            type="email"
            autoComplete="email"
            maxLength={254}
            defaultValue={props.current ?? ""}
            required
            aria-invalid={invalid || undefined}
            aria-describedby={invalid ? errorId : undefined}
            onInput={() => clientInvalid && setClientInvalid(false)}
            data-autofocus
          />
          {invalid && (
            <p id={errorId} className="field-error" role="alert">
              {t("web.recipient.invalid")}
            </p>
          )}
        </div>
        {!serverField && <ErrorAlert error={mutation.error} />}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={props.onClose}>
            {t("web.common.cancel")}
          </button>
          <button type="submit" className="button button-primary" disabled={mutation.isPending}>
            {t("web.recipient.save")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
