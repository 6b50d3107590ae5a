import { useState } from "react";
import { waitText } from "../../../components/error-message.tsx";
import { isApiError } from "../../../lib/api-client.ts";
import { useI18n } from "../../../lib/i18n.tsx";
import { useNow } from "../../../lib/use-now.ts";

/** Whether a sign-in failed because the server asks to wait before the next attempt. */
export function isLoginWait(error: unknown): boolean {
  return isApiError(error) && error.code === "too_many_attempts";
}

/**
 * The wait the server asked for (Retry-After), counting down, then that the user may try again:
 * the waits are short (from 1 s), so a fixed "try again in 4 s" would soon be wrong.
 */
export function LoginWait(props: { error: unknown }) {
  const i18n = useI18n();
  const seconds = isApiError(props.error) ? (props.error.retryAfterSeconds ?? 60) : 60;
  // counted from when it is shown; the form gives each refusal its own (keyed) countdown
  const [until] = useState(() => Date.now() + seconds * 1000);
  const now = useNow(1000);
  const left = Math.ceil((until - now.getTime()) / 1000);
  return (
    <p role="alert" className={left > 0 ? "alert alert-error" : "alert alert-info"}>
      {left > 0 ? waitText(left, i18n) : i18n.t("web.login.retryNow")}
    </p>
  );
}
