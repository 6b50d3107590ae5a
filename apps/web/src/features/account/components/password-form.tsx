import { PASSWORD_MIN_LENGTH } from "@scripts-email/contracts";
import { type FormEvent, useId, useState } from "react";
import { ErrorAlert } from "../../../components/error-message.tsx";
import { isApiError } from "../../../lib/api-client.ts";
import { useI18n } from "../../../lib/i18n.tsx";
import { useChangePassword } from "../api/change-password.ts";

/** Changing one's password: the current one is required; other sessions and tokens end. */
export function PasswordForm() {
  const { t } = useI18n();
  const mutation = useChangePassword();
  const [tooShort, setTooShort] = useState(false);
  const [done, setDone] = useState(false);
  const currentId = useId();
  const currentErrorId = useId();
  const newId = useId();
  const newHintId = useId();
  const newErrorId = useId();
  const wrongCurrent = isApiError(mutation.error) && !!mutation.error.fieldError("currentPassword");
  const serverTooShort = isApiError(mutation.error) && !!mutation.error.fieldError("newPassword");
  const newInvalid = tooShort || serverTooShort;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const currentPassword = String(data.get("currentPassword") ?? "");
    const newPassword = String(data.get("newPassword") ?? "");
    setDone(false);
    if (newPassword.length < PASSWORD_MIN_LENGTH) {
      mutation.reset();
      setTooShort(true);
      return;
    }
    setTooShort(false);
    mutation.mutate(
      { currentPassword, newPassword },
      {
        onSuccess() {
          form.reset();
          setDone(true);
        },
      },
    );
  };

  return (
    <section className="card" aria-labelledby="password-heading">
      <h2 id="password-heading">{t("web.password.title")}</h2>
      {done && (
        <p className="alert alert-success" role="status">
          {t("web.password.done")}
        </p>
      )}
      <form className="form form-narrow" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor={currentId}>{t("web.password.current")}</label>
          <input
            id={currentId}
            name="currentPassword"
            type="password"
            autoComplete="current-password"
            required
            maxLength={1024}
            aria-invalid={wrongCurrent || undefined}
            aria-describedby={wrongCurrent ? currentErrorId : undefined}
          />
          {wrongCurrent && (
            <p id={currentErrorId} className="field-error" role="alert">
              {t("error.current_password_wrong")}
            </p>
          )}
        </div>
        <div className="field">
          <label htmlFor={newId}>{t("web.password.new")}</label>
          <input
            id={newId}
            name="newPassword"
            type="password"
            autoComplete="new-password"
            required
            minLength={PASSWORD_MIN_LENGTH}
            maxLength={1024}
            aria-invalid={newInvalid || undefined}
            aria-describedby={[newHintId, newInvalid ? newErrorId : ""].join(" ").trim()}
          />
          <p id={newHintId} className="hint">
            {t("web.password.hint", { min: PASSWORD_MIN_LENGTH })}
          </p>
          {newInvalid && (
            <p id={newErrorId} className="field-error" role="alert">
              {t("web.password.tooShort", { min: PASSWORD_MIN_LENGTH })}
            </p>
          )}
        </div>
        {!wrongCurrent && !serverTooShort && <ErrorAlert error={mutation.error} />}
        <button type="submit" className="button button-primary" disabled={mutation.isPending}>
          {t("web.password.submit")}
        </button>
      </form>
    </section>
  );
}
