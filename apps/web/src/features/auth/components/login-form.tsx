import { type FormEvent, useId, useState } from "react";
import { ErrorAlert } from "../../../components/error-message.tsx";
import { LanguageSwitch } from "../../../components/language-switch.tsx";
import { useI18n } from "../../../lib/i18n.tsx";
import { loginInput, useLogin } from "../api/login.ts";
import { isLoginWait, LoginWait } from "./login-wait.tsx";

export function LoginForm() {
  const { t } = useI18n();
  const login = useLogin();
  const [invalid, setInvalid] = useState<"email" | "password" | null>(null);
  const emailId = useId();
  const passwordId = useId();
  const hintId = useId();

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const parsed = loginInput.safeParse({
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
    });
    if (!parsed.success) {
      const first = parsed.error.issues[0]?.path[0];
      setInvalid(first === "password" ? "password" : "email");
      return;
    }
    setInvalid(null);
    login.mutate(parsed.data);
  };

  return (
    <main className="login-page">
      <div className="login-card card">
        <div className="login-top">
          <p className="brand">{t("web.app.name")}</p>
          <LanguageSwitch />
        </div>
        <h1>{t("web.login.title")}</h1>
        <form onSubmit={submit} noValidate className="form">
          <div className="field">
            <label htmlFor={emailId}>{t("web.login.email")}</label>
            <input
              id={emailId}
              name="email"
              type="email"
              autoComplete="username"
              required
              aria-invalid={invalid === "email" || undefined}
              aria-describedby={invalid === "email" ? hintId : undefined}
            />
          </div>
          <div className="field">
            <label htmlFor={passwordId}>{t("web.login.password")}</label>
            <input
              id={passwordId}
              name="password"
              type="password"
              autoComplete="current-password"
              required
              aria-invalid={invalid === "password" || undefined}
              aria-describedby={invalid === "password" ? hintId : undefined}
            />
          </div>
          {invalid && (
            <p id={hintId} role="alert" className="alert alert-error">
              {t(invalid === "email" ? "web.login.invalidEmail" : "web.login.missingPassword")}
            </p>
          )}
          {!invalid &&
            (isLoginWait(login.error) ? (
              <LoginWait key={login.submittedAt} error={login.error} />
            ) : (
              <ErrorAlert error={login.error} />
            ))}
          <button type="submit" className="button button-primary" disabled={login.isPending}>
            {login.isPending ? t("web.login.submitting") : t("web.login.submit")}
          </button>
        </form>
      </div>
    </main>
  );
}
