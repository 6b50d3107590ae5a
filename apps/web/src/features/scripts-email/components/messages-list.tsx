import type { MessageSummary } from "@scripts-email/contracts";
import { useState } from "react";
import { BreakableText } from "../../../components/breakable-text.tsx";
import { CursorPager } from "../../../components/cursor-pager.tsx";
import { ErrorAlert, Loading } from "../../../components/error-message.tsx";
import { lazyPart, OnDemand } from "../../../components/on-demand.tsx";
import { useI18n } from "../../../lib/i18n.tsx";
import { formatTimeLeft } from "../../../lib/time-left.ts";
import { useNow } from "../../../lib/use-now.ts";
import { messagesCsvUrl, useMessages } from "../api/get-messages.ts";
import { searchOf, useMessageFilters } from "./message-filters.ts";
import { MessageSearchForm } from "./message-search-form.tsx";
import { SpamBadge } from "./message-spam-check.tsx";
import { ScriptName } from "./script-name.tsx";

/** The message viewer (content, spam check, delivery trace) is opened far less than the list. */
const MessageDetailDialog = lazyPart(() =>
  import("./message-detail-dialog.tsx").then((m) => m.MessageDetailDialog),
);

function MessageRow(props: {
  message: MessageSummary;
  now: Date;
  showFrom: boolean;
  onOpen: () => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const m = props.message;
  const label = (key: Parameters<typeof t>[0]) => ({ "data-label": t(key) });
  return (
    <tr>
      <td {...label("web.messages.col.date")} className="nowrap">
        <time dateTime={m.acceptedAt} title={i18n.formatDateTime(m.acceptedAt)}>
          {i18n.formatShortDateTime(m.acceptedAt)}
        </time>
      </td>
      {props.showFrom && (
        <td {...label("web.messages.col.from")}>
          <BreakableText text={m.from} />
        </td>
      )}
      <td {...label("web.messages.col.to")}>
        <BreakableText text={m.to.join(", ")} />
      </td>
      <td {...label("web.messages.col.subject")}>
        <button
          type="button"
          className="link-button clamp-2"
          onClick={props.onOpen}
          title={m.subject || undefined}
        >
          {m.subject || t("web.messages.noSubject")}
        </button>
      </td>
      <td {...label("web.messages.col.script")}>
        <ScriptName script={m.script} />
      </td>
      <td {...label("web.messages.col.size")} className="num nowrap">
        {i18n.formatBytes(m.size)}
      </td>
      <td {...label("web.messages.col.status")}>
        <span className={`status status-${m.status}`}>{t(`web.messageStatus.${m.status}`)}</span>
        {m.spam && (
          <>
            {" "}
            <SpamBadge />
          </>
        )}
      </td>
      <td {...label("web.messages.col.expires")}>
        {m.status === "held" ? (
          <time dateTime={m.expiresAt} title={i18n.formatDateTime(m.expiresAt)}>
            {formatTimeLeft(m.expiresAt, props.now, i18n)}
          </time>
        ) : (
          <span>
            <span aria-hidden="true">—</span>
            <span className="visually-hidden">{t("web.common.notApplicable")}</span>
          </span>
        )}
      </td>
    </tr>
  );
}

/**
 * The hosting's mail, newest first, a page at a time, searched and filtered by what the page's
 * address holds (shareable), with its CSV export.
 */
export function MessagesList(props: { serviceName: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [filters, setFilters] = useMessageFilters();
  const search = searchOf(filters);
  const searchKey = JSON.stringify(search);
  // the cursors of the pages seen so far in this search: the last one is the page shown
  const [paging, setPaging] = useState<{ key: string; cursors: string[] }>({
    key: searchKey,
    cursors: [],
  });
  const cursors = paging.key === searchKey ? paging.cursors : [];
  const [openId, setOpenId] = useState<string | null>(null);
  const cursor = cursors[cursors.length - 1];
  const refused = filters.outcome === "refused";
  const messages = useMessages(props.serviceName, { ...search, cursor });
  const now = useNow();
  const page = messages.data;
  // a site usually sends everything from one address: then it is said once, above the table
  const firstFrom = page?.items[0]?.from;
  const oneSender = !!page && page.items.every((m) => m.from === firstFrom);

  return (
    <section className="card" aria-labelledby="messages-heading">
      <div className="section-head">
        <h2 id="messages-heading">{t("web.messages.heading")}</h2>
        <a
          className="button button-small"
          href={messagesCsvUrl(props.serviceName, search)}
          download
        >
          {t("web.messages.exportCsv")}
        </a>
      </div>
      <MessageSearchForm filters={filters} onChange={setFilters} />
      {refused && (
        <p className="alert alert-info">
          {t("web.messages.search.refusedNote")}{" "}
          <a href="#refused-heading">{t("web.messages.search.refusedLink")}</a>
        </p>
      )}
      {messages.isPending && <Loading />}
      <ErrorAlert error={messages.error} />
      {page?.items.length === 0 && !refused && <p className="muted">{t("web.messages.empty")}</p>}
      {page && page.items.length > 0 && (
        <div className="table-wrap" aria-busy={messages.isPlaceholderData || undefined}>
          {oneSender && firstFrom && (
            <p className="hint table-note">
              <BreakableText text={t("web.messages.oneSender", { from: firstFrom })} />
            </p>
          )}
          <table className="table responsive-table" aria-labelledby="messages-heading">
            <thead>
              <tr>
                <th scope="col">{t("web.messages.col.date")}</th>
                {!oneSender && <th scope="col">{t("web.messages.col.from")}</th>}
                <th scope="col">{t("web.messages.col.to")}</th>
                <th scope="col">{t("web.messages.col.subject")}</th>
                <th scope="col">{t("web.messages.col.script")}</th>
                <th scope="col">{t("web.messages.col.size")}</th>
                <th scope="col">{t("web.messages.col.status")}</th>
                <th scope="col">{t("web.messages.col.expires")}</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((m) => (
                <MessageRow
                  key={m.id}
                  message={m}
                  now={now}
                  showFrom={!oneSender}
                  onOpen={() => setOpenId(m.id)}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {page?.searchedUntil && (
        <p className="hint" aria-live="polite">
          {t("web.messages.searchedUntil", { date: i18n.formatDateTime(page.searchedUntil) })}
        </p>
      )}
      <CursorPager
        label={t("web.messages.pagination")}
        cursors={cursors}
        nextCursor={page?.nextCursor}
        busy={messages.isPlaceholderData}
        onChange={(next) => setPaging({ key: searchKey, cursors: next })}
      />
      {openId && (
        <OnDemand>
          <MessageDetailDialog
            serviceName={props.serviceName}
            id={openId}
            onClose={() => setOpenId(null)}
          />
        </OnDemand>
      )}
    </section>
  );
}
