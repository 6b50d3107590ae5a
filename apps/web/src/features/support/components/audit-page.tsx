import { hasMessage } from "@scripts-email/i18n/core";
import { type FormEvent, useId, useState } from "react";
import { DataTable } from "../../../components/data-table.tsx";
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
      <DataTable
        query={audit}
        caption={t("web.audit.title")}
        empty={t("web.audit.empty")}
        // entries have no id; the list is only ever replaced whole
        rowKey={(entry, i) => `${entry.at}-${entry.action}-${i}`}
        columns={[
          {
            label: t("web.audit.col.at"),
            cell: (entry) => <time dateTime={entry.at}>{i18n.formatDateTime(entry.at)}</time>,
          },
          {
            label: t("web.audit.col.actor"),
            className: "break",
            cell: (entry) => (
              <span>
                {entry.actorEmail ?? "—"}{" "}
                <span className="muted">({t(`web.role.${entry.actorRole}`)})</span>
              </span>
            ),
          },
          { label: t("web.audit.col.action"), cell: (entry) => actionLabel(entry.action) },
          {
            label: t("web.audit.col.hosting"),
            cell: (entry) =>
              entry.serviceName ? (
                <Link href={paths.hosting(entry.serviceName)}>{entry.serviceName}</Link>
              ) : (
                "—"
              ),
          },
          {
            label: t("web.audit.col.reason"),
            cell: (entry) => entry.reason ?? "—",
            className: "break",
          },
        ]}
      />
    </>
  );
}
