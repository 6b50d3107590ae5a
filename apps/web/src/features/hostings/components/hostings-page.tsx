import { ErrorAlert, Loading } from "../../../components/error-message.tsx";
import { StateBadge } from "../../../components/state-badge.tsx";
import { useI18n } from "../../../lib/i18n.tsx";
import { Link, paths } from "../../../lib/router.tsx";
import { useHostings } from "../api/get-hostings.ts";

/** A customer's own hostings (support's home is the fleet view instead). */
export function HostingsPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const hostings = useHostings();
  const items = hostings.data?.items ?? [];

  return (
    <>
      <h1 tabIndex={-1}>{t("web.hostings.title")}</h1>
      {hostings.isPending && <Loading />}
      <ErrorAlert error={hostings.error} />
      {hostings.isSuccess && items.length === 0 && (
        <p className="muted">{t("web.hostings.empty")}</p>
      )}
      {items.length > 0 && (
        <div className="table-wrap">
          <table className="table responsive-table">
            <caption className="visually-hidden">{t("web.hostings.caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("web.hostings.col.serviceName")}</th>
                <th scope="col">{t("web.hostings.col.state")}</th>
                <th scope="col">{t("web.hostings.col.createdAt")}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((h) => (
                <tr key={h.serviceName}>
                  <th scope="row" data-label={t("web.hostings.col.serviceName")}>
                    <Link href={paths.hosting(h.serviceName)}>{h.serviceName}</Link>
                  </th>
                  <td data-label={t("web.hostings.col.state")}>
                    <StateBadge state={h.state} />
                  </td>
                  <td data-label={t("web.hostings.col.createdAt")}>
                    {i18n.formatDateTime(h.createdAt)}
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
