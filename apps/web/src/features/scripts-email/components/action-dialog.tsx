import {
  type EmailAction,
  type EmailStatus,
  reason as reasonSchema,
  type UserRole,
} from "@scripts-email/contracts";
import { type FormEvent, useId, useState } from "react";
import { Dialog } from "../../../components/dialog.tsx";
import { ErrorAlert } from "../../../components/error-message.tsx";
import { useI18n } from "../../../lib/i18n.tsx";
import { useRequestEmailAction } from "../api/request-email-action.ts";

/** Confirms block, purge or unblock, saying what will happen; support must give a reason. */
export function ActionDialog(props: {
  serviceName: string;
  action: EmailAction;
  role: UserRole;
  status: Pick<EmailStatus, "held" | "blockCause">;
  onClose: () => void;
  onDone: (action: EmailAction, status: EmailStatus) => void;
}) {
  const { t, formatNumber } = useI18n();
  const mutation = useRequestEmailAction(props.serviceName);
  const [reasonError, setReasonError] = useState<"required" | "invalid" | null>(null);
  const reasonId = useId();
  const reasonHintId = useId();
  const reasonRequired = props.role === "support";
  const { action } = props;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const raw = String(new FormData(event.currentTarget).get("reason") ?? "").trim();
    if (reasonRequired && !raw) {
      setReasonError("required");
      return;
    }
    const parsed = raw ? reasonSchema.safeParse(raw) : null;
    if (parsed && !parsed.success) {
      setReasonError("invalid");
      return;
    }
    setReasonError(null);
    mutation.mutate(
      { action, ...(parsed?.success ? { reason: parsed.data } : {}) },
      { onSuccess: (status) => props.onDone(action, status) },
    );
  };

  return (
    <Dialog
      title={t(`web.action.${action}.title`, { serviceName: props.serviceName })}
      onClose={props.onClose}
    >
      <form onSubmit={submit} noValidate className="form">
        <p>
          {t(
            action === "unblock" && props.status.blockCause === "bounce"
              ? "web.action.unblock.acknowledgeExplain"
              : `web.action.${action}.explain`,
          )}
        </p>
        {action !== "block" && props.status.held > 0 && (
          <p className="muted">
            {t("web.action.heldCount", {
              count: formatNumber(props.status.held),
            })}
          </p>
        )}
        <div className="field">
          <label htmlFor={reasonId}>
            {reasonRequired ? t("web.action.reason") : t("web.action.reasonOptional")}
          </label>
          <input
            id={reasonId}
            name="reason"
            type="text"
            maxLength={500}
            required={reasonRequired}
            aria-required={reasonRequired}
            aria-invalid={reasonError ? true : undefined}
            aria-describedby={reasonHintId}
            data-autofocus
          />
          <p id={reasonHintId} className={reasonError ? "field-error" : "hint"}>
            {reasonError === "required"
              ? t("web.action.reasonRequired")
              : reasonError === "invalid"
                ? t("web.action.reasonInvalid")
                : reasonRequired
                  ? t("web.action.reasonHintSupport")
                  : t("web.action.reasonHint")}
          </p>
        </div>
        <ErrorAlert error={mutation.error} />
        <div className="dialog-actions">
          <button type="button" className="button" onClick={props.onClose}>
            {t("web.common.cancel")}
          </button>
          <button
            type="submit"
            className={action === "purge" ? "button button-danger" : "button button-primary"}
            disabled={mutation.isPending}
          >
            {t(`web.action.${action}.confirm`)}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
