import { reason as reasonSchema, type UserRole } from "@scripts-email/contracts";
import { type FormEvent, useId, useState } from "react";
import { BreakableText } from "../../../components/breakable-text.tsx";
import { Dialog } from "../../../components/dialog.tsx";
import { ErrorAlert, Loading } from "../../../components/error-message.tsx";
import { isApiError } from "../../../lib/api-client.ts";
import { useI18n } from "../../../lib/i18n.tsx";
import { useChangeSenderDomains } from "../api/change-sender-domains.ts";
import { useSenderDomains } from "../api/get-sender-domains.ts";

type Change = { kind: "add" } | { kind: "remove"; domain: string };

/**
 * The domains the hosting's scripts may send from: its service name and subdomains always, and
 * the domains support added. Everyone sees the list; support adds and removes, with a reason.
 */
export function SenderDomains(props: {
  serviceName: string;
  role: UserRole;
  onNotice: (text: string) => void;
}) {
  const { t } = useI18n();
  const list = useSenderDomains(props.serviceName);
  const [change, setChange] = useState<Change | null>(null);
  const support = props.role === "support";
  return (
    <section className="card" aria-labelledby="sender-domains-heading">
      <h2 id="sender-domains-heading">{t("web.senderDomains.heading")}</h2>
      <p className="muted">{t("web.senderDomains.explain", { serviceName: props.serviceName })}</p>
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorAlert error={list.error} />
      ) : list.data.domains.length === 0 ? (
        <p data-testid="sender-domains-none">{t("web.senderDomains.none")}</p>
      ) : (
        <>
          <p>{t("web.senderDomains.extra")}</p>
          <ul className="plain-list" aria-labelledby="sender-domains-heading">
            {list.data.domains.map((domain) => (
              <li key={domain} className="inline-row wrap">
                <BreakableText text={domain} />
                {support && (
                  <button
                    type="button"
                    className="button"
                    aria-label={t("web.senderDomains.removeLabel", { domain })}
                    onClick={() => setChange({ kind: "remove", domain })}
                  >
                    {t("web.senderDomains.remove")}
                  </button>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
      {support ? (
        <button type="button" className="button" onClick={() => setChange({ kind: "add" })}>
          {t("web.senderDomains.add")}
        </button>
      ) : (
        <p className="hint">{t("web.senderDomains.askSupport")}</p>
      )}
      {change && (
        <SenderDomainDialog
          serviceName={props.serviceName}
          change={change}
          onClose={() => setChange(null)}
          onDone={(text) => {
            setChange(null);
            props.onNotice(text);
          }}
        />
      )}
    </section>
  );
}

/** Support's add or remove, with the reason the audit log keeps. */
function SenderDomainDialog(props: {
  serviceName: string;
  change: Change;
  onClose: () => void;
  onDone: (notice: string) => void;
}) {
  const { t } = useI18n();
  const mutation = useChangeSenderDomains(props.serviceName);
  const [errors, setErrors] = useState<{ domain?: boolean; reason?: "required" | "invalid" }>({});
  const domainId = useId();
  const domainHintId = useId();
  const reasonId = useId();
  const reasonHintId = useId();
  const { change } = props;
  // the server normalises and judges the domain; its refusal is shown at the field
  const serverRefusedDomain =
    isApiError(mutation.error) && mutation.error.fieldError("domain") !== undefined;
  const domainInvalid = errors.domain || serverRefusedDomain;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const domain =
      change.kind === "remove" ? change.domain : String(form.get("domain") ?? "").trim();
    const rawReason = String(form.get("reason") ?? "").trim();
    const reason = reasonSchema.safeParse(rawReason);
    const next = {
      domain: domain === "" || /[\s@*/]/.test(domain),
      reason:
        rawReason === ""
          ? ("required" as const)
          : reason.success
            ? undefined
            : ("invalid" as const),
    };
    setErrors(next);
    if (next.domain || next.reason || !reason.success) return;
    mutation.mutate(
      change.kind === "add"
        ? { add: [domain], reason: reason.data }
        : { remove: [domain], reason: reason.data },
      {
        onSuccess: () =>
          props.onDone(
            t(change.kind === "add" ? "web.senderDomains.added" : "web.senderDomains.removed", {
              domain,
            }),
          ),
      },
    );
  };

  return (
    <Dialog
      title={
        change.kind === "add"
          ? t("web.senderDomains.addTitle")
          : t("web.senderDomains.removeTitle", { domain: change.domain })
      }
      onClose={props.onClose}
    >
      <form onSubmit={submit} noValidate className="form">
        <p>
          {change.kind === "add"
            ? t("web.senderDomains.addExplain")
            : t("web.senderDomains.removeExplain", { domain: change.domain })}
        </p>
        {change.kind === "add" && (
          <div className="field">
            <label htmlFor={domainId}>{t("web.senderDomains.domainLabel")}</label>
            <input
              id={domainId}
              name="domain"
              type="text"
              maxLength={253}
              required
              aria-required
              aria-invalid={domainInvalid ? true : undefined}
              aria-describedby={domainHintId}
              autoComplete="off"
              data-autofocus
            />
            <p id={domainHintId} className={domainInvalid ? "field-error" : "hint"}>
              {domainInvalid
                ? t("web.senderDomains.domainInvalid")
                : t("web.senderDomains.domainHint")}
            </p>
          </div>
        )}
        <div className="field">
          <label htmlFor={reasonId}>{t("web.action.reason")}</label>
          <input
            id={reasonId}
            name="reason"
            type="text"
            maxLength={500}
            required
            aria-required
            aria-invalid={errors.reason ? true : undefined}
            aria-describedby={reasonHintId}
            {...(change.kind === "remove" ? { "data-autofocus": true } : {})}
          />
          <p id={reasonHintId} className={errors.reason ? "field-error" : "hint"}>
            {errors.reason === "required"
              ? t("web.action.reasonRequired")
              : errors.reason === "invalid"
                ? t("web.action.reasonInvalid")
                : t("web.action.reasonHintSupport")}
          </p>
        </div>
        {!serverRefusedDomain && <ErrorAlert error={mutation.error} />}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={props.onClose}>
            {t("web.common.cancel")}
          </button>
          <button
            type="submit"
            className={change.kind === "remove" ? "button button-danger" : "button button-primary"}
            disabled={mutation.isPending}
          >
            {change.kind === "add"
              ? t("web.senderDomains.confirmAdd")
              : t("web.senderDomains.confirmRemove")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
