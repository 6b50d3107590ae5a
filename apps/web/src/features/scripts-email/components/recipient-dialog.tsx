import { AddressDialog, asEmailAddress } from "../../../components/address-dialog.tsx";
import { useI18n } from "../../../lib/i18n.tsx";
import { useUpdateEmailSettings } from "../api/update-email-settings.ts";

/** Changes the address that gets the daily error report. */
export function RecipientDialog(props: {
  serviceName: string;
  current: string | null;
  onClose: () => void;
  onDone: (address: string) => void;
}) {
  const { t } = useI18n();
  const mutation = useUpdateEmailSettings(props.serviceName);
  return (
    <AddressDialog
      title={t("web.recipient.dialogTitle")}
      intro={<p>{t("web.recipient.explain")}</p>}
      label={t("web.recipient.label")}
      name="reportRecipient"
      defaultValue={props.current ?? ""}
      invalidMessage={t("web.recipient.invalid")}
      submitLabel={t("web.recipient.save")}
      parse={asEmailAddress}
      mutation={mutation}
      onSubmit={(reportRecipient) =>
        mutation.mutate(
          { reportRecipient },
          { onSuccess: (s) => props.onDone(s.reportRecipient ?? reportRecipient) },
        )
      }
      onClose={props.onClose}
    />
  );
}
