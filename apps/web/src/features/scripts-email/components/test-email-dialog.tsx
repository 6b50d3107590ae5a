import type { HostingState, TestEmailResult } from "@scripts-email/contracts";
import { AddressDialog, asEmailAddress } from "../../../components/address-dialog.tsx";
import { useI18n } from "../../../lib/i18n.tsx";
import { useSendTestEmail } from "../api/send-test-email.ts";

/** Sends a test message through the hosting's own path (queued, or held while blocked). */
export function TestEmailDialog(props: {
  serviceName: string;
  state: HostingState;
  defaultTo: string;
  onClose: () => void;
  onDone: (result: TestEmailResult, to: string) => void;
}) {
  const { t } = useI18n();
  const mutation = useSendTestEmail(props.serviceName);
  return (
    <AddressDialog
      title={t("web.test.dialogTitle")}
      intro={
        <>
          <p>{t("web.test.explain", { serviceName: props.serviceName })}</p>
          {props.state !== "active" && (
            <p className="alert alert-warning">{t("web.test.willBeHeld")}</p>
          )}
        </>
      }
      label={t("web.test.to")}
      name="to"
      defaultValue={props.defaultTo}
      invalidMessage={t("web.test.invalid")}
      submitLabel={t("web.test.send")}
      parse={asEmailAddress}
      mutation={mutation}
      onSubmit={(to) =>
        mutation.mutate({ to }, { onSuccess: (result) => props.onDone(result, to) })
      }
      onClose={props.onClose}
    />
  );
}
