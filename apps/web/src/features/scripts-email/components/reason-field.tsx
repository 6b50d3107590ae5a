import { reason as reasonSchema } from "@scripts-email/contracts";
import { useId } from "react";
import { useI18n } from "../../../lib/i18n.tsx";

export type ReasonError = "required" | "invalid";

/** The reason typed in `form`'s `reason` field: required from support, one line of ≤ 500. */
export function readReason(
  form: HTMLFormElement,
  required: boolean,
): { ok: true; reason: string | undefined } | { ok: false; error: ReasonError } {
  const raw = String(new FormData(form).get("reason") ?? "").trim();
  if (!raw) return required ? { ok: false, error: "required" } : { ok: true, reason: undefined };
  const parsed = reasonSchema.safeParse(raw);
  return parsed.success ? { ok: true, reason: parsed.data } : { ok: false, error: "invalid" };
}

/** The reason input of a confirmation, worded like the block, purge and unblock dialogs. */
export function ReasonField(props: { required: boolean; error: ReasonError | null }) {
  const { t } = useI18n();
  const id = useId();
  const hintId = useId();
  const { required, error } = props;
  return (
    <div className="field">
      <label htmlFor={id}>
        {required ? t("web.action.reason") : t("web.action.reasonOptional")}
      </label>
      <input
        id={id}
        name="reason"
        type="text"
        maxLength={500}
        required={required}
        aria-required={required}
        aria-invalid={error ? true : undefined}
        aria-describedby={hintId}
        data-autofocus
      />
      <p id={hintId} className={error ? "field-error" : "hint"}>
        {error === "required"
          ? t("web.action.reasonRequired")
          : error === "invalid"
            ? t("web.action.reasonInvalid")
            : required
              ? t("web.action.reasonHintSupport")
              : t("web.action.reasonHint")}
      </p>
    </div>
  );
}
