import type { EmailStatus } from "@scripts-email/contracts";
import { useState } from "react";
import { useI18n } from "../../../lib/i18n.tsx";
import { RecipientDialog } from "./recipient-dialog.tsx";

export function ReportRecipient(props: {
  serviceName: string;
  status: EmailStatus;
  onNotice: (text: string) => void;
}) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  return (
    <section className="card" aria-labelledby="recipient-heading">
      <h2 id="recipient-heading">{t("web.recipient.heading")}</h2>
      <p className="muted">{t("web.recipient.explain")}</p>
      <div className="inline-row wrap">
        <p className="recipient-value break" data-testid="report-recipient">
          {props.status.reportRecipient ?? t("web.recipient.none")}
        </p>
        <button type="button" className="button" onClick={() => setOpen(true)}>
          {t("web.recipient.change")}
        </button>
      </div>
      {open && (
        <RecipientDialog
          serviceName={props.serviceName}
          current={props.status.reportRecipient}
          onClose={() => setOpen(false)}
          onDone={(address) => {
            setOpen(false);
            props.onNotice(t("web.recipient.saved", { address }));
          }}
        />
      )}
    </section>
  );
}
