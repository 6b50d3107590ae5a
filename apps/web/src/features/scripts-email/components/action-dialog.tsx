import type { EmailAction, EmailStatus, UserRole } from "@scripts-email/contracts";
import { type FormEvent, useRef, useState } from "react";
import { Dialog } from "../../../components/dialog.tsx";
import { ErrorAlert } from "../../../components/error-message.tsx";
import { useI18n } from "../../../lib/i18n.tsx";
import { useRequestEmailAction } from "../api/request-email-action.ts";
import { type ReasonError, ReasonField, readReason } from "./reason-field.tsx";
import { useUnblockFacts } from "./unblock-facts.ts";

/** Confirms block, purge or unblock, saying what will happen; support must give a reason. */
export function ActionDialog(props: {
  serviceName: string;
  action: EmailAction;
  role: UserRole;
  status: Pick<EmailStatus, "held" | "blockCause" | "spam" | "heldScripts">;
  onClose: () => void;
  onDone: (action: EmailAction, status: EmailStatus) => void;
}) {
  const { t, formatNumber } = useI18n();
  const mutation = useRequestEmailAction(props.serviceName);
  const [reasonError, setReasonError] = useState<ReasonError | null>(null);
  // set on the first confirm, before React renders the button disabled: a double click sends once
  const sending = useRef(false);
  const reasonRequired = props.role === "support";
  const { action } = props;
  const unblockFacts = useUnblockFacts(props.serviceName, props.status, t, action === "unblock");

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (sending.current) return;
    const read = readReason(event.currentTarget, reasonRequired);
    if (!read.ok) {
      setReasonError(read.error);
      return;
    }
    setReasonError(null);
    sending.current = true;
    mutation.mutate(
      { action, ...(read.reason ? { reason: read.reason } : {}) },
      {
        onSuccess: (status) => props.onDone(action, status),
        onError: () => {
          sending.current = false;
        },
      },
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
        {action === "unblock" && (
          <ul className="unblock-facts">
            {unblockFacts.map((fact) => (
              <li key={fact}>{fact}</li>
            ))}
          </ul>
        )}
        {action === "purge" && props.status.held > 0 && (
          <p className="muted">
            {t("web.action.heldCount", {
              count: formatNumber(props.status.held),
            })}
          </p>
        )}
        <ReasonField required={reasonRequired} error={reasonError} />
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
