import type { EmailStatus } from "@scripts-email/contracts";
import { useState } from "react";
import { useI18n } from "../../../lib/i18n.tsx";
import { AlertsDialog } from "./alerts-dialog.tsx";
import { RecipientDialog } from "./recipient-dialog.tsx";
import { WebhookDialog } from "./webhook-dialog.tsx";

export function ReportRecipient(props: {
  serviceName: string;
  status: EmailStatus;
  onNotice: (text: string) => void;
}) {
  const { t } = useI18n();
  const [open, setOpen] = useState<"recipient" | "webhook" | "alerts" | null>(null);
  return (
    <section className="card" aria-labelledby="recipient-heading">
      <h2 id="recipient-heading">{t("web.recipient.heading")}</h2>
      <p className="muted">{t("web.recipient.explain")}</p>
      <div className="inline-row wrap">
        <p className="recipient-value break" data-testid="report-recipient">
          {props.status.reportRecipient ?? t("web.recipient.none")}
        </p>
        <button type="button" className="button" onClick={() => setOpen("recipient")}>
          {t("web.recipient.change")}
        </button>
      </div>
      <h3>{t("web.webhook.heading")}</h3>
      <div className="inline-row wrap">
        <p className="recipient-value break" data-testid="alert-webhook">
          {props.status.alertWebhookUrl ?? t("web.webhook.none")}
        </p>
        <button type="button" className="button" onClick={() => setOpen("webhook")}>
          {t("web.webhook.change")}
        </button>
      </div>
      <h3>{t("web.alerts.heading")}</h3>
      <div className="inline-row wrap">
        <p className="recipient-value" data-testid="alerts-off">
          {t("web.alerts.summary", { off: props.status.alertsOff.length })}
        </p>
        <button type="button" className="button" onClick={() => setOpen("alerts")}>
          {t("web.alerts.change")}
        </button>
      </div>
      {open === "alerts" && (
        <AlertsDialog
          serviceName={props.serviceName}
          current={props.status.alertsOff}
          onClose={() => setOpen(null)}
          onDone={() => {
            setOpen(null);
            props.onNotice(t("web.alerts.saved"));
          }}
        />
      )}
      {open === "recipient" && (
        <RecipientDialog
          serviceName={props.serviceName}
          current={props.status.reportRecipient}
          onClose={() => setOpen(null)}
          onDone={(address) => {
            setOpen(null);
            props.onNotice(t("web.recipient.saved", { address }));
          }}
        />
      )}
      {open === "webhook" && (
        <WebhookDialog
          serviceName={props.serviceName}
          current={props.status.alertWebhookUrl}
          onClose={() => setOpen(null)}
          onDone={(url) => {
            setOpen(null);
            props.onNotice(url ? t("web.webhook.saved", { url }) : t("web.webhook.removed"));
          }}
        />
      )}
    </section>
  );
}
