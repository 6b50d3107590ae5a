import type { SelectionAccepted, SelectionFilter, UserRole } from "@scripts-email/contracts";
import { type FormEvent, useRef, useState } from "react";
import { Dialog } from "../../../components/dialog.tsx";
import { ErrorAlert, Loading } from "../../../components/error-message.tsx";
import { useI18n } from "../../../lib/i18n.tsx";
import { useSelectionCount } from "../api/count-selection.ts";
import { useStartSelection } from "../api/start-selection.ts";
import { type ReasonError, ReasonField, readReason } from "./reason-field.tsx";
import type { SelectionKind } from "./selection-filter.ts";

/**
 * Confirms a release or delete: first asks the server how many messages the filter matches now
 * and says so; only then may the user confirm (support with a reason). One request per confirm,
 * however often the button is pressed.
 */
export function SelectionDialog(props: {
  serviceName: string;
  role: UserRole;
  kind: SelectionKind;
  /** Null when there is nothing the user may act on (a customer releasing spam only). */
  filter: SelectionFilter | null;
  /** The mail concerned, in words. */
  target: string;
  /** A customer's release leaves the mail flagged as spam held: the dialog says so. */
  spamKept: boolean;
  onClose: () => void;
  onStarted: (accepted: SelectionAccepted) => void;
}) {
  const { t } = useI18n();
  const { kind, filter } = props;
  const count = useSelectionCount(props.serviceName, filter);
  const start = useStartSelection(props.serviceName);
  const [reasonError, setReasonError] = useState<ReasonError | null>(null);
  // set on the first confirm, before React renders the button disabled
  const sending = useRef(false);
  const reasonRequired = props.role === "support";
  const matched = filter ? count.data?.matched : 0;
  const canConfirm = matched !== undefined && matched > 0 && !start.isPending;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!filter || !canConfirm || sending.current) return;
    const reason = readReason(event.currentTarget, reasonRequired);
    if (!reason.ok) {
      setReasonError(reason.error);
      return;
    }
    setReasonError(null);
    sending.current = true;
    start.mutate(
      { action: kind, filter, ...(reason.reason ? { reason: reason.reason } : {}) },
      {
        onSuccess: props.onStarted,
        onError: () => {
          sending.current = false;
        },
      },
    );
  };

  return (
    <Dialog title={t(`web.heldMail.confirm.${kind}Title`)} onClose={props.onClose}>
      <form onSubmit={submit} noValidate className="form">
        <p>
          {t("web.heldMail.confirm.target")} <strong className="break">{props.target}</strong>
        </p>
        {props.spamKept && (
          <p className="alert alert-warning">{t("web.heldMail.confirm.spamKept")}</p>
        )}
        <div aria-live="polite">
          {filter && count.isPending ? (
            <Loading />
          ) : matched !== undefined ? (
            <p className="selection-count">
              <strong>{t(`web.heldMail.confirm.${kind}Count`, { count: matched })}</strong>
            </p>
          ) : null}
        </div>
        <ErrorAlert error={count.error} />
        <p className="muted">{t(`web.heldMail.confirm.${kind}Explain`)}</p>
        <ReasonField required={reasonRequired} error={reasonError} />
        <ErrorAlert error={start.error} />
        <div className="dialog-actions">
          <button type="button" className="button" onClick={props.onClose}>
            {t("web.common.cancel")}
          </button>
          <button
            type="submit"
            className={kind === "delete" ? "button button-danger" : "button button-primary"}
            disabled={!canConfirm}
          >
            {t(`web.heldMail.confirm.${kind}`)}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
