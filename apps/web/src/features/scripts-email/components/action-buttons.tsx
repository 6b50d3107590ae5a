import type { EmailAction, UserRole } from "@scripts-email/contracts";
import { useId } from "react";
import { useI18n } from "../../../lib/i18n.tsx";
import { ACTIONS, type ActionStatus, actionAvailability } from "./action-rules.ts";

const BUTTON_CLASS: Record<EmailAction, string> = {
  block: "button button-warning",
  purge: "button button-danger",
  unblock: "button button-primary",
};

export function ActionButtons(props: {
  status: ActionStatus;
  role: UserRole;
  onAction: (action: EmailAction) => void;
}) {
  const { t } = useI18n();
  const baseId = useId();
  return (
    <div className="action-buttons">
      {ACTIONS.map((action) => {
        const availability = actionAvailability(action, props.status, props.role);
        const hintId = `${baseId}-${action}`;
        const reason = availability.reason ? t(availability.reason) : undefined;
        const hint = reason ?? (availability.note ? t(availability.note) : undefined);
        return (
          <div key={action} className="action">
            <button
              type="button"
              className={BUTTON_CLASS[action]}
              disabled={!availability.enabled}
              title={reason}
              aria-describedby={hint ? hintId : undefined}
              onClick={() => props.onAction(action)}
            >
              {t(availability.label ?? `web.action.${action}`)}
            </button>
            {hint && (
              <p id={hintId} className="hint">
                {hint}
              </p>
            )}
          </div>
        );
      })}
    </div>
  );
}
