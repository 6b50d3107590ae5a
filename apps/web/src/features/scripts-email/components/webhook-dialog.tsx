import { webhookUrl } from "@scripts-email/contracts";
import { AddressDialog } from "../../../components/address-dialog.tsx";
import { useI18n } from "../../../lib/i18n.tsx";
import { useUpdateEmailSettings } from "../api/update-email-settings.ts";

/** An empty field removes the webhook (null); otherwise the contracts' URL rule. */
function asWebhookUrl(input: string): string | null | undefined {
  if (input.trim() === "") return null;
  const parsed = webhookUrl.safeParse(input);
  return parsed.success ? parsed.data : undefined;
}

/** Sets the optional URL that alerts are also posted to. */
export function WebhookDialog(props: {
  serviceName: string;
  current: string | null;
  onClose: () => void;
  onDone: (url: string | null) => void;
}) {
  const { t } = useI18n();
  const mutation = useUpdateEmailSettings(props.serviceName);
  return (
    <AddressDialog
      title={t("web.webhook.dialogTitle")}
      intro={<p>{t("web.webhook.explain")}</p>}
      label={t("web.webhook.label")}
      name="alertWebhookUrl"
      inputType="url"
      hint={t("web.webhook.hint")}
      defaultValue={props.current ?? ""}
      invalidMessage={t("web.webhook.invalid")}
      submitLabel={t("web.webhook.save")}
      parse={asWebhookUrl}
      mutation={mutation}
      onSubmit={(alertWebhookUrl) =>
        mutation.mutate({ alertWebhookUrl }, { onSuccess: () => props.onDone(alertWebhookUrl) })
      }
      onClose={props.onClose}
    />
  );
}
