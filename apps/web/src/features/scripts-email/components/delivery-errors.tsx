import { useId, useState } from "react";
import { BreakableText } from "../../../components/breakable-text.tsx";
import { DataTable } from "../../../components/data-table.tsx";
import { useI18n } from "../../../lib/i18n.tsx";
import { ERROR_LIMITS, errorsCsvUrl, useEmailErrors } from "../api/get-email-errors.ts";

/**
 * The hosting's latest refusals by the relay: failed for good, and deferred (refused for now,
 * tried again), each marked as such, with the relay's code and reply (the code once).
 */
export function DeliveryErrors(props: { serviceName: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [limit, setLimit] = useState<number>(ERROR_LIMITS[0]);
  const errors = useEmailErrors(props.serviceName, limit);
  const selectId = useId();

  return (
    <section className="card" aria-labelledby="errors-heading">
      <div className="section-head">
        <h2 id="errors-heading">{t("web.errors.heading")}</h2>
        <div className="inline-field">
          <label htmlFor={selectId}>{t("web.errors.limit")}</label>
          <select id={selectId} value={limit} onChange={(e) => setLimit(Number(e.target.value))}>
            {ERROR_LIMITS.map((n) => (
              <option key={n} value={n}>
                {i18n.formatNumber(n)}
              </option>
            ))}
          </select>
        </div>
        <a className="button button-small" href={errorsCsvUrl(props.serviceName)} download>
          {t("web.errors.exportCsv")}
        </a>
      </div>
      <p className="muted">{t("web.errors.note")}</p>
      <DataTable
        query={errors}
        labelledBy="errors-heading"
        empty={t("web.errors.empty")}
        // errors have no id and may repeat; the list is only ever replaced whole
        rowKey={(e, i) => `${e.date}-${e.recipient}-${i}`}
        columns={[
          {
            label: t("web.errors.col.date"),
            cell: (e) => <time dateTime={e.date}>{i18n.formatDateTime(e.date)}</time>,
          },
          {
            label: t("web.errors.col.recipient"),
            cell: (e) => <BreakableText text={e.recipient} />,
          },
          {
            label: t("web.errors.col.outcome"),
            cell: (e) => (
              <span className={`status status-${e.outcome}`}>
                {t(`web.message.outcome.${e.outcome}`)}
              </span>
            ),
          },
          { label: t("web.errors.col.code"), cell: (e) => e.code ?? "—" },
          // the reply without its code: the code has its column, and reads once
          { label: t("web.errors.col.message"), cell: (e) => e.message || "—", className: "break" },
        ]}
      />
    </section>
  );
}
