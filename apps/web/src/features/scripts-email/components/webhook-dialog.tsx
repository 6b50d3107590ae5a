import { type EmailStatus, webhookUrl } from "@scripts-email/contracts";
import { useId, useState } from "react";
import { AddressDialog } from "../../../components/address-dialog.tsx";
import { Dialog } from "../../../components/dialog.tsx";
import { useI18n } from "../../../lib/i18n.tsx";
import { useUpdateEmailSettings } from "../api/update-email-settings.ts";

/** An empty field removes the webhook (null); otherwise the contracts' URL rule. */
function asWebhookUrl(input: string): string | null | undefined {
  if (input.trim() === "") return null;
  const parsed = webhookUrl.safeParse(input);
  return parsed.success ? parsed.data : undefined;
}

/** The signing key, in the one answer that carries it: the server never shows it again. */
function SigningKey(props: { url: string; secret: string; onDone: () => void }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  const fieldId = useId();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.secret);
      setCopied(true);
    } catch {
      // no clipboard (plain http, old browser): the field is selected for a manual copy
      document.getElementById(fieldId)?.focus();
    }
  };
  return (
    <Dialog title={t("web.webhook.secretTitle")} onClose={props.onDone}>
      <div className="form">
        <p>{t("web.webhook.secretExplain", { url: props.url })}</p>
        <div className="field">
          <label htmlFor={fieldId}>{t("web.webhook.secretLabel")}</label>
          <div className="inline-row wrap">
            <input
              id={fieldId}
              readOnly
              value={props.secret}
              onFocus={(event) => event.currentTarget.select()}
              size={48}
              data-autofocus
            />
            <button type="button" className="button" onClick={() => void copy()}>
              {t("web.webhook.copy")}
            </button>
          </div>
          {copied && <p role="status">{t("web.webhook.copied")}</p>}
        </div>
        <div className="dialog-actions">
          <button type="button" className="button button-primary" onClick={props.onDone}>
            {t("web.webhook.done")}
          </button>
        </div>
      </div>
    </Dialog>
  );
}

/** Sets the optional URL that alerts are also posted to, and shows its new signing key once. */
export function WebhookDialog(props: {
  serviceName: string;
  current: string | null;
  onClose: () => void;
  onDone: (url: string | null) => void;
}) {
  const { t } = useI18n();
  const mutation = useUpdateEmailSettings(props.serviceName);
  const [key, setKey] = useState<{ url: string; secret: string } | null>(null);
  if (key) return <SigningKey {...key} onDone={() => props.onDone(key.url)} />;

  const saved = (url: string | null) => (status: EmailStatus) => {
    if (url && status.alertWebhookSecret) setKey({ url, secret: status.alertWebhookSecret });
    else props.onDone(url);
  };
  const current = props.current;
  return (
    <AddressDialog
      title={t("web.webhook.dialogTitle")}
      intro={
        <>
          <p>{t("web.webhook.explain")}</p>
          {current && (
            <div className="inline-row wrap">
              <button
                type="button"
                className="button"
                disabled={mutation.isPending}
                onClick={() =>
                  mutation.mutate({ rotateAlertWebhookSecret: true }, { onSuccess: saved(current) })
                }
              >
                {t("web.webhook.rotate")}
              </button>
              <p className="hint">{t("web.webhook.rotateHint")}</p>
            </div>
          )}
        </>
      }
      label={t("web.webhook.label")}
      name="alertWebhookUrl"
      inputType="url"
      hint={t("web.webhook.hint")}
      defaultValue={current ?? ""}
      invalidMessage={t("web.webhook.invalid")}
      submitLabel={t("web.webhook.save")}
      parse={asWebhookUrl}
      mutation={mutation}
      onSubmit={(alertWebhookUrl) =>
        mutation.mutate({ alertWebhookUrl }, { onSuccess: saved(alertWebhookUrl) })
      }
      onClose={props.onClose}
    />
  );
}
