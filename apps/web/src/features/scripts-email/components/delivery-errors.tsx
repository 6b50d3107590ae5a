import { useId, useState } from "react";
import { ErrorAlert, Loading } from "../../../components/error-message.tsx";
import { useI18n } from "../../../lib/i18n.tsx";
import { ERROR_LIMITS, useEmailErrors } from "../api/get-email-errors.ts";

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
      </div>
      {errors.isPending && <Loading />}
      <ErrorAlert error={errors.error} />
      {errors.data?.length === 0 && <p className="muted">{t("web.errors.empty")}</p>}
      {errors.data && errors.data.length > 0 && (
        <div className="table-wrap">
          <table className="table responsive-table" aria-labelledby="errors-heading">
            <thead>
              <tr>
                <th scope="col">{t("web.errors.col.date")}</th>
                <th scope="col">{t("web.errors.col.recipient")}</th>
                <th scope="col">{t("web.errors.col.code")}</th>
                <th scope="col">{t("web.errors.col.message")}</th>
              </tr>
            </thead>
            <tbody>
              {errors.data.map((e, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: errors have no id and may repeat; the list is only ever replaced whole
                <tr key={`${e.date}-${e.recipient}-${i}`}>
                  <td data-label={t("web.errors.col.date")}>
                    <time dateTime={e.date}>{i18n.formatDateTime(e.date)}</time>
                  </td>
                  <td data-label={t("web.errors.col.recipient")} className="break">
                    {e.recipient}
                  </td>
                  <td data-label={t("web.errors.col.code")}>{e.code ?? "—"}</td>
                  <td data-label={t("web.errors.col.message")} className="break">
                    {e.message}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
