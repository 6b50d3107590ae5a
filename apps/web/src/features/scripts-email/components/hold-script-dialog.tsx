import type { UserRole } from "@scripts-email/contracts";
import { type FormEvent, useState } from "react";
import { Dialog } from "../../../components/dialog.tsx";
import { ErrorAlert } from "../../../components/error-message.tsx";
import { useI18n } from "../../../lib/i18n.tsx";
import { useHoldScript } from "../api/hold-script.ts";
import { type ReasonError, ReasonField, readReason } from "./reason-field.tsx";

/**
 * Confirms holding or resuming one script, saying what it does to the site's mail; support gives
 * the reason the audit log keeps (a customer's change is audited without one).
 */
export function HoldScriptDialog(props: {
  serviceName: string;
  script: string;
  /** True to hold the script, false to resume it. */
  hold: boolean;
  role: UserRole;
  onClose: () => void;
  onDone: (notice: string) => void;
}) {
  const { t } = useI18n();
  const mutation = useHoldScript(props.serviceName);
  const [reasonError, setReasonError] = useState<ReasonError | null>(null);
  const { script, hold } = props;
  const kind = hold ? "hold" : "resume";
  const support = props.role === "support";

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const read = support ? readReason(event.currentTarget, true) : null;
    if (read && !read.ok) {
      setReasonError(read.error);
      return;
    }
    setReasonError(null);
    mutation.mutate(
      { script, hold, ...(read?.reason ? { reason: read.reason } : {}) },
      { onSuccess: () => props.onDone(t(`web.scripts.${kind}.done`, { script })) },
    );
  };

  return (
    <Dialog title={t(`web.scripts.confirm.${kind}.title`, { script })} onClose={props.onClose}>
      <form onSubmit={submit} noValidate className="form">
        <p className="break">{t(`web.scripts.confirm.${kind}.explain`, { script })}</p>
        {support && <ReasonField required error={reasonError} />}
        <ErrorAlert error={mutation.error} />
        <div className="dialog-actions">
          <button type="button" className="button" onClick={props.onClose}>
            {t("web.common.cancel")}
          </button>
          <button
            type="submit"
            className="button button-primary"
            disabled={mutation.isPending}
            data-autofocus
          >
            {t(`web.scripts.confirm.${kind}.confirm`)}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
