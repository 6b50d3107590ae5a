import { ALERT_KINDS, type AlertKind } from "@scripts-email/contracts";
import { type FormEvent, useId, useState } from "react";
import { Dialog } from "../../../components/dialog.tsx";
import { ErrorAlert } from "../../../components/error-message.tsx";
import { useI18n } from "../../../lib/i18n.tsx";
import { useUpdateEmailSettings } from "../api/update-email-settings.ts";

/** One alert kind: ticked means sent; its hint says when it comes. */
function AlertChoice(props: {
  kind: AlertKind;
  on: boolean;
  onChange: (on: boolean) => void;
  first: boolean;
}) {
  const { t } = useI18n();
  const hintId = useId();
  return (
    <div className="alert-choice">
      <label className="checkbox">
        <input
          type="checkbox"
          name="alerts"
          value={props.kind}
          checked={props.on}
          onChange={(event) => props.onChange(event.currentTarget.checked)}
          aria-describedby={hintId}
          {...(props.first ? { "data-autofocus": true } : {})}
        />
        {t(`web.alerts.kind.${props.kind}.label`)}
      </label>
      <p id={hintId} className="hint">
        {t(`web.alerts.kind.${props.kind}.hint`)}
      </p>
    </div>
  );
}

/** Chooses which alerts the hosting gets: a kind not ticked is neither mailed nor posted. */
export function AlertsDialog(props: {
  serviceName: string;
  /** The kinds turned off now. */
  current: readonly AlertKind[];
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const mutation = useUpdateEmailSettings(props.serviceName);
  const legendId = useId();
  const [off, setOff] = useState<ReadonlySet<AlertKind>>(() => new Set(props.current));

  const toggle = (kind: AlertKind, on: boolean) => {
    const next = new Set(off);
    if (on) next.delete(kind);
    else next.add(kind);
    setOff(next);
  };
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (mutation.isPending) return;
    mutation.mutate(
      { alertsOff: ALERT_KINDS.filter((kind) => off.has(kind)) },
      { onSuccess: () => props.onDone() },
    );
  };

  return (
    <Dialog title={t("web.alerts.dialogTitle")} onClose={props.onClose}>
      <form onSubmit={submit} noValidate className="form">
        <p>{t("web.alerts.intro")}</p>
        <fieldset className="alert-choices" aria-labelledby={legendId}>
          <legend id={legendId} className="visually-hidden">
            {t("web.alerts.heading")}
          </legend>
          {ALERT_KINDS.map((kind, i) => (
            <AlertChoice
              key={kind}
              kind={kind}
              first={i === 0}
              on={!off.has(kind)}
              onChange={(on) => toggle(kind, on)}
            />
          ))}
        </fieldset>
        <ErrorAlert error={mutation.error} />
        <div className="dialog-actions">
          <button type="button" className="button" onClick={props.onClose}>
            {t("web.common.cancel")}
          </button>
          <button type="submit" className="button button-primary" disabled={mutation.isPending}>
            {t("web.alerts.save")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
