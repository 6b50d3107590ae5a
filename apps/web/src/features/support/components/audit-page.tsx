import { hasMessage } from "@scripts-email/i18n";
import { type FormEvent, useId, useState } from "react";
import { ErrorAlert, Loading } from "../../../components/error-message.tsx";
import { useI18n } from "../../../lib/i18n.tsx";
import { Link, navigate, paths } from "../../../lib/router.tsx";
import { useAudit } from "../api/get-audit.ts";

const LIMITS = [50, 100, 200] as const;

/** Who did what, when and why: every support action and settings change (support only). */
export function AuditPage(props: { serviceName: string | undefined }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [limit, setLimit] = useState<number>(LIMITS[0]);
  const audit = useAudit({ serviceName: props.serviceName, limit });
  const filterId = useId();
  const limitId = useId();

  const actionLabel = (action: string) => {
    const key = `web.audit.action.${action}`;
    return hasMessage(key) ? t(key) : <code>{action}</code>;
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const value = String(new FormData(event.currentTarget).get("serviceName") ?? "").trim();
    navigate(paths.audit(value || undefined));
  };

  return (
    <>
      <h1 tabIndex={-1}>{t("web.audit.title")}</h1>
      <form className="filters" onSubmit={submit} key={props.serviceName ?? ""}>
        <div className="field">
          <label htmlFor={filterId}>{t("web.audit.filter")}</label>
          <div className="inline-row">
            <input
              id={filterId}
              name="serviceName"
              type="search"
              defaultValue={props.serviceName ?? ""}
              placeholder="example.org"
              maxLength={253}
            />
            <button type="submit" className="button">
              {t("web.audit.apply")}
            </button>
          </div>
        </div>
        <div className="field">
          <label htmlFor={limitId}>{t("web.audit.limit")}</label>
          <select id={limitId} value={limit} onChange={(e) => setLimit(Number(e.target.value))}>
            {LIMITS.map((n) => (
              <option key={n} value={n}>
                {i18n.formatNumber(n)}
              </option>
            ))}
          </select>
        </div>
      </form>
      {audit.isPending && <Loading />}
      <ErrorAlert error={audit.error} />
      {audit.data?.length === 0 && <p className="muted">{t("web.audit.empty")}</p>}
      {audit.data && audit.data.length > 0 && (
        <div className="table-wrap">
          <table className="table responsive-table">
            <caption className="visually-hidden">{t("web.audit.title")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("web.audit.col.at")}</th>
                <th scope="col">{t("web.audit.col.actor")}</th>
                <th scope="col">{t("web.audit.col.action")}</th>
                <th scope="col">{t("web.audit.col.hosting")}</th>
                <th scope="col">{t("web.audit.col.reason")}</th>
              </tr>
            </thead>
            <tbody>
              {audit.data.map((entry, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: entries have no id; the list is only ever replaced whole
                <tr key={`${entry.at}-${entry.action}-${i}`}>
                  <td data-label={t("web.audit.col.at")}>
                    <time dateTime={entry.at}>{i18n.formatDateTime(entry.at)}</time>
                  </td>
                  <td data-label={t("web.audit.col.actor")} className="break">
                    <span>
                      {entry.actorEmail ?? "—"}{" "}
                      <span className="muted">({t(`web.role.${entry.actorRole}`)})</span>
                    </span>
                  </td>
                  <td data-label={t("web.audit.col.action")}>{actionLabel(entry.action)}</td>
                  <td data-label={t("web.audit.col.hosting")}>
                    {entry.serviceName ? (
                      <Link href={paths.hosting(entry.serviceName)}>{entry.serviceName}</Link>
                    ) : (
                      "—"
                    )}
                  </td>
                  <td data-label={t("web.audit.col.reason")} className="break">
                    {entry.reason ?? "—"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
