import type { EmailAction, EmailStatus, Me } from "@scripts-email/contracts";
import { useState } from "react";
import { useI18n } from "../../../lib/i18n.tsx";
import { ActionButtons } from "./action-buttons.tsx";
import { ActionDialog } from "./action-dialog.tsx";
import { TestEmailDialog } from "./test-email-dialog.tsx";
import { useUnblockFacts } from "./unblock-facts.ts";

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
  // what the unblock sent and left held, read before it (the answer's counts move as mail goes)
  const unblockFacts = useUnblockFacts(props.serviceName, status, t, status.state === "blocked");

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
            const notice = t(`web.action.${done}.done`);
            props.onNotice(done === "unblock" ? [notice, ...unblockFacts].join(" ") : notice);
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
