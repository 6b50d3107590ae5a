import type { MessageDetail } from "@scripts-email/contracts";
import { hasMessage } from "@scripts-email/i18n/core";
import { useId } from "react";
import { useI18n } from "../../../lib/i18n.tsx";

/** The "Spam" mark of a message held because the scanner would reject it. */
export function SpamBadge() {
  const { t } = useI18n();
  return <span className="status status-spam">{t("web.message.spamBadge")}</span>;
}

/** rspamd's action ("soft reject"…) in words, or as rspamd wrote it when it is a new one. */
function useActionText() {
  const { t } = useI18n();
  return (action: string) => {
    const key = `web.message.spamAction.${action.trim().toLowerCase().replace(/\s+/g, "_")}`;
    return hasMessage(key) ? t(key) : action;
  };
}

/** The scanner's verdict: score, action and the rules that weighed most, or "not scanned". */
export function MessageSpamCheck(props: { message: Pick<MessageDetail, "spam" | "spamCheck"> }) {
  const i18n = useI18n();
  const { t } = i18n;
  const actionText = useActionText();
  const check = props.message.spamCheck;
  const headingId = useId();
  const symbolsId = useId();
  return (
    <section aria-labelledby={headingId}>
      <h3 id={headingId}>{t("web.message.spamCheck")}</h3>
      {props.message.spam && (
        <p className="alert alert-warning spam-notice">
          <SpamBadge /> {t("web.message.spamHeld")}
        </p>
      )}
      {check === null ? (
        <p className="muted">{t("web.message.spamNotScanned")}</p>
      ) : (
        <>
          <dl className="facts facts-grid">
            <div>
              <dt>{t("web.message.spamScore")}</dt>
              <dd>{i18n.formatNumber(check.score)}</dd>
            </div>
            <div>
              <dt>{t("web.message.spamAction")}</dt>
              <dd>{actionText(check.action)}</dd>
            </div>
            <div>
              <dt>{t("web.message.spamScannedAt")}</dt>
              <dd>{i18n.formatDateTime(check.scannedAt)}</dd>
            </div>
          </dl>
          {check.symbols.length > 0 && (
            <div className="table-wrap">
              <h4 id={symbolsId}>{t("web.message.spamSymbols")}</h4>
              <table className="table responsive-table" aria-labelledby={symbolsId}>
                <thead>
                  <tr>
                    <th scope="col">{t("web.message.spamSymbol.name")}</th>
                    <th scope="col">{t("web.message.spamSymbol.score")}</th>
                    <th scope="col">{t("web.message.spamSymbol.description")}</th>
                  </tr>
                </thead>
                <tbody>
                  {check.symbols.map((s) => (
                    <tr key={s.name}>
                      <td data-label={t("web.message.spamSymbol.name")} className="break">
                        <code>{s.name}</code>
                      </td>
                      <td data-label={t("web.message.spamSymbol.score")} className="num">
                        {i18n.formatNumber(s.score)}
                      </td>
                      <td data-label={t("web.message.spamSymbol.description")} className="break">
                        {s.description ?? "—"}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
