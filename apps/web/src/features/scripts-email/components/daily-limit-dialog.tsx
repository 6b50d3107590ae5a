import { MAX_DAILY_LIMIT } from "@scripts-email/contracts";
import { type FormEvent, useId, useState } from "react";
import { Dialog } from "../../../components/dialog.tsx";
import { ErrorAlert } from "../../../components/error-message.tsx";
import { useI18n } from "../../../lib/i18n.tsx";
import { useSetDailyLimit } from "../api/set-daily-limit.ts";
import { type ReasonError, ReasonField, readReason } from "./reason-field.tsx";

/** A whole number from 0 to MAX_DAILY_LIMIT, as typed (spaces and separators refused). */
function readLimit(form: HTMLFormElement): number | null {
  const raw = String(new FormData(form).get("maxPerDay") ?? "").trim();
  if (!/^\d{1,7}$/.test(raw)) return null;
  const value = Number(raw);
  return value <= MAX_DAILY_LIMIT ? value : null;
}

/** Support's change of the daily limit, with the reason the audit log keeps. */
export function DailyLimitDialog(props: {
  serviceName: string;
  current: number;
  onClose: () => void;
  onDone: (notice: string) => void;
}) {
  const { t, formatNumber: n } = useI18n();
  const mutation = useSetDailyLimit(props.serviceName);
  const [limitInvalid, setLimitInvalid] = useState(false);
  const [reasonError, setReasonError] = useState<ReasonError | null>(null);
  const limitId = useId();
  const limitHintId = useId();

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const maxPerDay = readLimit(event.currentTarget);
    const read = readReason(event.currentTarget, true);
    setLimitInvalid(maxPerDay === null);
    setReasonError(read.ok ? null : read.error);
    if (maxPerDay === null || !read.ok || !read.reason) return;
    mutation.mutate(
      { maxPerDay, reason: read.reason },
      {
        onSuccess: (answer) =>
          props.onDone(
            t("web.dailyLimit.done", {
              serviceName: answer.serviceName,
              limit: answer.maxPerDay,
            }),
          ),
      },
    );
  };

  return (
    <Dialog
      title={t("web.dailyLimit.title", { serviceName: props.serviceName })}
      onClose={props.onClose}
    >
      <form onSubmit={submit} noValidate className="form">
        <p>{t("web.dailyLimit.explain", { limit: props.current })}</p>
        <div className="field">
          <label htmlFor={limitId}>{t("web.dailyLimit.label")}</label>
          <input
            id={limitId}
            name="maxPerDay"
            type="text"
            inputMode="numeric"
            defaultValue={String(props.current)}
            maxLength={7}
            required
            aria-required
            aria-invalid={limitInvalid ? true : undefined}
            aria-describedby={limitHintId}
            autoComplete="off"
          />
          <p id={limitHintId} className={limitInvalid ? "field-error" : "hint"}>
            {limitInvalid
              ? t("web.dailyLimit.invalid", { max: n(MAX_DAILY_LIMIT) })
              : t("web.dailyLimit.hint", { max: n(MAX_DAILY_LIMIT) })}
          </p>
        </div>
        <ReasonField required error={reasonError} />
        <ErrorAlert error={mutation.error} />
        <div className="dialog-actions">
          <button type="button" className="button" onClick={props.onClose}>
            {t("web.common.cancel")}
          </button>
          <button type="submit" className="button button-primary" disabled={mutation.isPending}>
            {t("web.dailyLimit.confirm")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
