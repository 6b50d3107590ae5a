import { useId, useState } from "react";
import { useI18n } from "../lib/i18n.tsx";

/**
 * A secret shown once (an API token, a new SMTP password): read-only, selected on focus, with a
 * Copy button (without a clipboard the field takes the focus, selected for a manual copy) and a
 * Dismiss button.
 */
export function SecretField(props: {
  label: string;
  value: string;
  size: number;
  copyLabel: string;
  copiedText: string;
  onDismiss: () => void;
}) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  const fieldId = useId();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.value);
      setCopied(true);
    } catch {
      // no clipboard (plain http, old browser): the field is selected for a manual copy
      document.getElementById(fieldId)?.focus();
    }
  };
  return (
    <>
      <div className="inline-row wrap">
        <input
          id={fieldId}
          aria-label={props.label}
          readOnly
          value={props.value}
          onFocus={(event) => event.currentTarget.select()}
          size={props.size}
        />
        <button type="button" className="button" onClick={() => void copy()}>
          {props.copyLabel}
        </button>
        <button type="button" className="button" onClick={props.onDismiss}>
          {t("web.common.dismiss")}
        </button>
      </div>
      {copied && <p>{props.copiedText}</p>}
    </>
  );
}
