import type { Me } from "@scripts-email/contracts";
import { type FormEvent, useId, useState } from "react";
import { ErrorAlert, Loading } from "../../../components/error-message.tsx";
import { StateBadge } from "../../../components/state-badge.tsx";
import { useI18n } from "../../../lib/i18n.tsx";
import { Link, paths } from "../../../lib/router.tsx";
import { useHostings } from "../api/get-hostings.ts";

function HostingSearch(props: { initial: string; onSearch: (q: string) => void }) {
  const { t } = useI18n();
  const id = useId();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    props.onSearch(String(new FormData(event.currentTarget).get("q") ?? "").trim());
  };
  return (
    <search>
      <form className="search-form" onSubmit={submit}>
        <label htmlFor={id}>{t("web.hostings.search.label")}</label>
        <div className="inline-row">
          <input
            id={id}
            name="q"
            type="search"
            defaultValue={props.initial}
            placeholder={t("web.hostings.search.placeholder")}
            maxLength={254}
          />
          <button type="submit" className="button">
            {t("web.hostings.search.submit")}
          </button>
        </div>
      </form>
    </search>
  );
}

export function HostingsPage(props: { user: Me }) {
  const i18n = useI18n();
  const { t } = i18n;
  const isSupport = props.user.role === "support";
  const [q, setQ] = useState("");
  const hostings = useHostings(isSupport ? { q } : {});
  const items = hostings.data?.items ?? [];

  return (
    <>
      <h1 tabIndex={-1}>{isSupport ? t("web.hostings.titleSupport") : t("web.hostings.title")}</h1>
      {isSupport && <HostingSearch initial={q} onSearch={setQ} />}
      {hostings.isPending && <Loading />}
      <ErrorAlert error={hostings.error} />
      {hostings.isSuccess && items.length === 0 && (
        <p className="muted">{q ? t("web.hostings.noMatch", { q }) : t("web.hostings.empty")}</p>
      )}
      {items.length > 0 && (
        <div className="table-wrap">
          <table className="table responsive-table">
            <caption className="visually-hidden">{t("web.hostings.caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("web.hostings.col.serviceName")}</th>
                {isSupport && <th scope="col">{t("web.hostings.col.owner")}</th>}
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
                  {isSupport && <td data-label={t("web.hostings.col.owner")}>{h.ownerEmail}</td>}
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
