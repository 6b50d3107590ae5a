import type {
  SendingSettings as Settings,
  SmtpPasswordReset,
  UserRole,
} from "@scripts-email/contracts";
import { type FormEvent, useId, useState } from "react";
import { Dialog } from "../../../components/dialog.tsx";
import { ErrorAlert, Loading } from "../../../components/error-message.tsx";
import { SecretField } from "../../../components/secret-field.tsx";
import { type I18n, useI18n } from "../../../lib/i18n.tsx";
import { useSendingSettings } from "../api/get-sending-settings.ts";
import { useResetSmtpPassword } from "../api/reset-smtp-password.ts";
import { type ReasonError, ReasonField, readReason } from "./reason-field.tsx";

const PLACEHOLDER = "<password>";

/** One ready-made setting: its text as a block to select, and a button that copies it. */
function CopyBlock(props: { label: string; text: string }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  const id = useId();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.text);
      setCopied(true);
    } catch {
      // no clipboard (plain http, old browser): the text is selected for a manual copy
      const block = document.getElementById(id);
      if (block) window.getSelection()?.selectAllChildren(block);
    }
  };
  return (
    <div className="field">
      <div className="inline-row wrap">
        <h3>{props.label}</h3>
        <button
          type="button"
          className="button button-small"
          aria-label={t("web.sending.copyLabel", { what: props.label })}
          onClick={() => void copy()}
        >
          {copied ? t("web.sending.copied") : t("web.sending.copy")}
        </button>
      </div>
      <pre id={id} className="code-block break">
        <code>{props.text}</code>
      </pre>
    </div>
  );
}

/**
 * The settings' texts, the password filled in only right after a reset. The SMTP client's lines
 * are worded in the panel's language (the API's `smtpClient` is the English of the CLI).
 */
function blocks(settings: Settings, password: string | null, t: I18n["t"]) {
  const fill = (text: string) => (password ? text.split(PLACEHOLDER).join(password) : text);
  return {
    php: `${settings.phpSendmailPath}\n${fill(settings.phpSendmailEnvironment)}`,
    msmtp: settings.msmtpSendmailPath,
    client: [
      t("web.sending.client.host", { host: settings.host }),
      t("web.sending.client.port", { port: String(settings.port) }),
      t("web.sending.client.user", { user: settings.user }),
      t("web.sending.client.password", { password: password ?? PLACEHOLDER }),
      t("web.sending.client.auth"),
      t("web.sending.client.encryption"),
    ].join("\n"),
  };
}

/**
 * How the site sends through this hosting: ready-made settings for PHP's sendmail_path (the
 * product's sendmail or msmtp) and for an SMTP client, each copied with one click, and a new SMTP
 * password, shown once. The password is stored only as a hash: the settings show `<password>`.
 */
export function SendingSettings(props: {
  serviceName: string;
  role: UserRole;
  onNotice: (text: string) => void;
}) {
  const { t } = useI18n();
  const settings = useSendingSettings(props.serviceName);
  const [resetting, setResetting] = useState(false);
  const [reset, setReset] = useState<SmtpPasswordReset | null>(null);
  const shown = reset?.settings ?? settings.data;
  const texts = shown ? blocks(shown, reset?.password ?? null, t) : null;
  return (
    <section className="card" aria-labelledby="sending-settings-heading">
      <h2 id="sending-settings-heading">{t("web.sending.title")}</h2>
      <p className="muted">{t("web.sending.explain", { user: props.serviceName })}</p>
      {reset && <NewPassword reset={reset} onDismiss={() => setReset(null)} />}
      {settings.isPending ? (
        <Loading />
      ) : settings.isError ? (
        <ErrorAlert error={settings.error} />
      ) : (
        texts && (
          <>
            <CopyBlock label={t("web.sending.php")} text={texts.php} />
            <CopyBlock label={t("web.sending.msmtp")} text={texts.msmtp} />
            <p className="hint">
              {t("web.sending.msmtpHint", { file: shown?.passwordFile ?? "" })}
            </p>
            <CopyBlock label={t("web.sending.client")} text={texts.client} />
          </>
        )
      )}
      {!reset && (
        <p className="hint">{t("web.sending.passwordHidden", { placeholder: PLACEHOLDER })}</p>
      )}
      <button type="button" className="button" onClick={() => setResetting(true)}>
        {t("web.sending.reset")}
      </button>
      {resetting && (
        <ResetDialog
          serviceName={props.serviceName}
          support={props.role === "support"}
          onClose={() => setResetting(false)}
          onDone={(answer) => {
            setResetting(false);
            setReset(answer);
            props.onNotice(t("web.sending.resetDone"));
          }}
        />
      )}
    </section>
  );
}

/** The new password, shown once: the server keeps only its hash. */
function NewPassword(props: { reset: SmtpPasswordReset; onDismiss: () => void }) {
  const { t } = useI18n();
  return (
    <div className="alert alert-success" role="status">
      <p>
        <strong>{t("web.sending.newPassword")}</strong>
      </p>
      <p>{t("web.sending.oldStops", { seconds: props.reset.oldPasswordRefusedWithinSeconds })}</p>
      <SecretField
        label={t("web.sending.newPassword")}
        value={props.reset.password}
        size={36}
        copyLabel={t("web.sending.copy")}
        copiedText={t("web.sending.copied")}
        onDismiss={props.onDismiss}
      />
      <p className="hint">{t("web.sending.shownOnce")}</p>
    </div>
  );
}

function ResetDialog(props: {
  serviceName: string;
  support: boolean;
  onClose: () => void;
  onDone: (reset: SmtpPasswordReset) => void;
}) {
  const { t } = useI18n();
  const mutation = useResetSmtpPassword(props.serviceName);
  const [reasonError, setReasonError] = useState<ReasonError | null>(null);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    // sent once: a second click while the first is on its way does nothing
    if (mutation.isPending) return;
    const read = readReason(event.currentTarget, props.support);
    if (!read.ok) {
      setReasonError(read.error);
      return;
    }
    setReasonError(null);
    mutation.mutate(read.reason ? { reason: read.reason } : {}, { onSuccess: props.onDone });
  };
  return (
    <Dialog title={t("web.sending.resetTitle")} onClose={props.onClose}>
      <form className="form" onSubmit={submit} noValidate>
        <p>{t("web.sending.resetExplain")}</p>
        {props.support && <ReasonField required error={reasonError} />}
        <ErrorAlert error={mutation.error} />
        <div className="dialog-actions">
          <button type="button" className="button" onClick={props.onClose} data-autofocus>
            {t("web.common.cancel")}
          </button>
          <button type="submit" className="button button-danger" disabled={mutation.isPending}>
            {t("web.sending.resetConfirm")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
