import {
  type ApiToken,
  type CreatedToken,
  TOKEN_DEFAULT_DAYS,
  TOKEN_MAX_DAYS,
} from "@scripts-email/contracts";
import { type FormEvent, useId, useState } from "react";
import { DataTable } from "../../../components/data-table.tsx";
import { Dialog } from "../../../components/dialog.tsx";
import { ErrorAlert } from "../../../components/error-message.tsx";
import { SecretField } from "../../../components/secret-field.tsx";
import { useI18n } from "../../../lib/i18n.tsx";
import { useNow } from "../../../lib/use-now.ts";
import { useCreateToken } from "../api/create-token.ts";
import { useTokens } from "../api/get-tokens.ts";
import { useRevokeToken } from "../api/revoke-token.ts";

const VALIDITY_DAYS = [7, 30, TOKEN_DEFAULT_DAYS, 180, TOKEN_MAX_DAYS] as const;

/** The new token, shown once: the server keeps only its hash. */
function NewToken(props: { token: CreatedToken; onDismiss: () => void }) {
  const { t } = useI18n();
  const label = t("web.tokens.createdTitle", { name: props.token.name });
  return (
    <div className="alert alert-success" role="status">
      <p>
        <strong>{label}</strong>
      </p>
      <p>{t("web.tokens.copyHint")}</p>
      <SecretField
        label={label}
        value={props.token.token}
        size={48}
        copyLabel={t("web.tokens.copy")}
        copiedText={t("web.tokens.copied")}
        onDismiss={props.onDismiss}
      />
    </div>
  );
}

function ConfirmRevoke(props: { token: ApiToken; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const revoke = useRevokeToken();
  return (
    <Dialog title={t("web.tokens.revokeLabel", { name: props.token.name })} onClose={props.onClose}>
      <p>{t("web.tokens.confirmRevoke", { name: props.token.name })}</p>
      <ErrorAlert error={revoke.error} />
      <div className="dialog-actions">
        <button type="button" className="button" onClick={props.onClose} data-autofocus>
          {t("web.common.cancel")}
        </button>
        <button
          type="button"
          className="button button-danger"
          disabled={revoke.isPending}
          onClick={() => revoke.mutate(props.token.id, { onSuccess: props.onDone })}
        >
          {t("web.tokens.revoke")}
        </button>
      </div>
    </Dialog>
  );
}

/** The signed-in user's personal API tokens: list, create (shown once), revoke. */
export function ApiTokens() {
  const i18n = useI18n();
  const { t } = i18n;
  const tokens = useTokens();
  const create = useCreateToken();
  const now = useNow();
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [confirming, setConfirming] = useState<ApiToken | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const nameId = useId();
  const nameHintId = useId();
  const daysId = useId();

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const name = String(data.get("name") ?? "").trim();
    if (!name) return;
    setNotice(null);
    create.mutate(
      { name, expiresInDays: Number(data.get("expiresInDays")) },
      {
        onSuccess(token) {
          setCreated(token);
          form.reset();
        },
      },
    );
  };

  return (
    <section className="card" aria-labelledby="tokens-heading">
      <h2 id="tokens-heading">{t("web.tokens.title")}</h2>
      <p className="muted">{t("web.tokens.explain")}</p>
      {created && <NewToken token={created} onDismiss={() => setCreated(null)} />}
      {notice && (
        <p className="alert alert-success" role="status">
          {notice}
        </p>
      )}
      <form className="form" onSubmit={submit}>
        <div className="inline-row wrap">
          <div className="field">
            <label htmlFor={nameId}>{t("web.tokens.name")}</label>
            <input
              id={nameId}
              name="name"
              required
              maxLength={100}
              autoComplete="off"
              aria-describedby={nameHintId}
            />
            <p id={nameHintId} className="hint">
              {t("web.tokens.nameHint")}
            </p>
          </div>
          <div className="field">
            <label htmlFor={daysId}>{t("web.tokens.validity")}</label>
            <select id={daysId} name="expiresInDays" defaultValue={TOKEN_DEFAULT_DAYS}>
              {VALIDITY_DAYS.map((days) => (
                <option key={days} value={days}>
                  {t("web.tokens.days", { days })}
                </option>
              ))}
            </select>
          </div>
        </div>
        <ErrorAlert error={create.error} />
        <button type="submit" className="button button-primary" disabled={create.isPending}>
          {t("web.tokens.create")}
        </button>
      </form>
      <DataTable
        query={tokens}
        labelledBy="tokens-heading"
        empty={t("web.tokens.empty")}
        rowKey={(token) => token.id}
        columns={[
          { label: t("web.tokens.col.name"), className: "break", cell: (token) => token.name },
          { label: t("web.tokens.col.prefix"), cell: (token) => <code>{token.prefix}…</code> },
          {
            label: t("web.tokens.col.created"),
            cell: (token) => (
              <time dateTime={token.createdAt}>{i18n.formatDateTime(token.createdAt)}</time>
            ),
          },
          {
            label: t("web.tokens.col.lastUsed"),
            cell: (token) =>
              token.lastUsedAt ? (
                <time dateTime={token.lastUsedAt}>{i18n.formatDateTime(token.lastUsedAt)}</time>
              ) : (
                t("web.tokens.never")
              ),
          },
          {
            label: t("web.tokens.col.expires"),
            cell: (token) => (
              <>
                <time dateTime={token.expiresAt}>{i18n.formatDateTime(token.expiresAt)}</time>
                {new Date(token.expiresAt) <= now && (
                  <span className="badge">{t("web.tokens.expired")}</span>
                )}
              </>
            ),
          },
          {
            label: t("web.tokens.revoke"),
            cell: (token) => (
              <button
                type="button"
                className="button button-small"
                aria-label={t("web.tokens.revokeLabel", { name: token.name })}
                onClick={() => setConfirming(token)}
              >
                {t("web.tokens.revoke")}
              </button>
            ),
          },
        ]}
      />
      {confirming && (
        <ConfirmRevoke
          token={confirming}
          onClose={() => setConfirming(null)}
          onDone={() => {
            setNotice(t("web.tokens.revoked", { name: confirming.name }));
            setConfirming(null);
          }}
        />
      )}
    </section>
  );
}
