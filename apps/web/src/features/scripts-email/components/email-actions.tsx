import type { EmailAction, EmailStatus, Me } from "@scripts-email/contracts";
import { useState } from "react";
import { useI18n } from "../../../lib/i18n.tsx";
import { ActionButtons } from "./action-buttons.tsx";
import { ActionDialog } from "./action-dialog.tsx";
import { TestEmailDialog } from "./test-email-dialog.tsx";

export function EmailActions(props: {
  serviceName: string;
  status: EmailStatus;
  user: Me;
  onNotice: (text: string) => void;
}) {
  const { t } = useI18n();
  const [action, setAction] = useState<EmailAction | null>(null);
  const [testOpen, setTestOpen] = useState(false);
  const { status, user } = props;

  return (
    <section className="card" aria-labelledby="actions-heading">
      <h2 id="actions-heading">{t("web.actions.heading")}</h2>
      <ActionButtons status={status} role={user.role} onAction={setAction} />
      <div className="secondary-actions">
        <button type="button" className="button" onClick={() => setTestOpen(true)}>
          {t("web.test.open")}
        </button>
      </div>
      {action && (
        <ActionDialog
          serviceName={props.serviceName}
          action={action}
          role={user.role}
          status={status}
          onClose={() => setAction(null)}
          onDone={(done) => {
            setAction(null);
            props.onNotice(t(`web.action.${done}.done`));
          }}
        />
      )}
      {testOpen && (
        <TestEmailDialog
          serviceName={props.serviceName}
          state={status.state}
          defaultTo={status.reportRecipient ?? user.email}
          onClose={() => setTestOpen(false)}
          onDone={(result, to) => {
            setTestOpen(false);
            props.onNotice(
              t(result.status === "held" ? "web.test.doneHeld" : "web.test.doneQueued", { to }),
            );
          }}
        />
      )}
    </section>
  );
}
