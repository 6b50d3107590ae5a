import { hasMessage } from "@scripts-email/i18n/core";
import { isApiError } from "../lib/api-client.ts";
import { type I18n, useI18n } from "../lib/i18n.tsx";

// These messages carry details only the server knows (the state, the limit, the suppressed
// address): use its text.
const SERVER_WORDED = new Set([
  "invalid_transition",
  "daily_limit_reached",
  "recipient_suppressed",
]);

/** "Too many attempts" with the wait: in seconds under a minute, else in whole minutes. */
export function waitText(seconds: number, i18n: Pick<I18n, "t">): string {
  const whole = Math.max(1, Math.ceil(seconds));
  if (whole < 60) return i18n.t("error.too_many_attempts.seconds", { seconds: whole });
  return i18n.t("error.too_many_attempts", { minutes: Math.ceil(whole / 60) });
}

/** A failure, in words for the user, in the chosen language where we can. */
export function describeError(error: unknown, i18n: Pick<I18n, "t">): string {
  if (!isApiError(error)) return i18n.t("web.error.unexpected");
  if (error.code === "network") return i18n.t("web.error.network");
  if (error.code === "bad_response") return i18n.t("web.error.unexpected");
  if (error.code === "too_many_attempts") return waitText(error.retryAfterSeconds ?? 900, i18n);
  if (SERVER_WORDED.has(error.code) && error.message) return error.message;
  const key = `error.${error.code}`;
  return hasMessage(key) ? i18n.t(key) : error.message;
}

export function ErrorAlert(props: { error: unknown; className?: string }) {
  const i18n = useI18n();
  if (!props.error) return null;
  return (
    <p role="alert" className={["alert alert-error", props.className].filter(Boolean).join(" ")}>
      {describeError(props.error, i18n)}
    </p>
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p className="muted" aria-live="polite" aria-busy="true">
      {t("web.common.loading")}
    </p>
  );
}
