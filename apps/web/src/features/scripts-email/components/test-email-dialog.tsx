import type { HostingState, TestEmailResult } from "@scripts-email/contracts";
import { type FormEvent, useId, useState } from "react";
import { Dialog } from "../../../components/dialog.tsx";
import { ErrorAlert } from "../../../components/error-message.tsx";
import { isApiError } from "../../../lib/api-client.ts";
import { useI18n } from "../../../lib/i18n.tsx";
import { sendTestEmailInput, useSendTestEmail } from "../api/send-test-email.ts";

/** Sends a test message through the hosting's own path (queued, or held while blocked). */
export function TestEmailDialog(props: {
  serviceName: string;
  state: HostingState;
  defaultTo: string;
  onClose: () => void;
  onDone: (result: TestEmailResult, to: string) => void;
}) {
  const { t } = useI18n();
  const mutation = useSendTestEmail(props.serviceName);
  const [clientInvalid, setClientInvalid] = useState(false);
  const inputId = useId();
  const errorId = useId();
  const serverField = isApiError(mutation.error) ? mutation.error.fieldError("to") : undefined;
  const invalid = clientInvalid || serverField !== undefined;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const parsed = sendTestEmailInput.safeParse({
      to: String(new FormData(event.currentTarget).get("to") ?? ""),
    });
    if (!parsed.success) {
      mutation.reset();
      setClientInvalid(true);
      return;
    }
    setClientInvalid(false);
    mutation.mutate(parsed.data, { onSuccess: (result) => props.onDone(result, parsed.data.to) });
  };

  return (
    <Dialog title={t("web.test.dialogTitle")} onClose={props.onClose}>
      <form onSubmit={submit} noValidate className="form">
        <p>{t("web.test.explain", { serviceName: props.serviceName })}</p>
        {props.state !== "active" && (
          <p className="alert alert-warning">{t("web.test.willBeHeld")}</p>
        )}
        <div className="field">
          <label htmlFor={inputId}>{t("web.test.to")}</label>
          <input
            id={inputId}
            name="to"
            type="email"
            autoComplete="email"
            maxLength={254}
            defaultValue={props.defaultTo}
            required
            aria-invalid={invalid || undefined}
            aria-describedby={invalid ? errorId : undefined}
            data-autofocus
          />
          {invalid && (
            <p id={errorId} className="field-error" role="alert">
              {t("web.test.invalid")}
            </p>
          )}
        </div>
        {!serverField && <ErrorAlert error={mutation.error} />}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={props.onClose}>
            {t("web.common.cancel")}
          </button>
          <button type="submit" className="button button-primary" disabled={mutation.isPending}>
            {t("web.test.send")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
