import type { SuppressionEntry, UserRole } from "@scripts-email/contracts";
import { type FormEvent, useId, useRef, useState } from "react";
import { BreakableText } from "../../../components/breakable-text.tsx";
import { CursorPager } from "../../../components/cursor-pager.tsx";
import { Dialog } from "../../../components/dialog.tsx";
import { ErrorAlert, Loading } from "../../../components/error-message.tsx";
import { useI18n } from "../../../lib/i18n.tsx";
import { useSuppressions } from "../api/get-suppressions.ts";
import { useRemoveSuppression } from "../api/remove-suppression.ts";
import { type ReasonError, ReasonField, readReason } from "./reason-field.tsx";

const HEADING_ID = "suppressions-heading";

/**
 * The hosting's suppression list: recipients whose mail failed for good (no such mailbox, bad
 * address), refused at submission until they expire or are removed here. Searched by part of
 * the address, a page at a time; each entry can be removed after a confirmation (support gives
 * a reason).
 */
export function SuppressionList(props: {
  serviceName: string;
  role: UserRole;
  onNotice: (text: string) => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const [q, setQ] = useState("");
  // the cursors of the pages seen so far: the last one is the page shown
  const [cursors, setCursors] = useState<string[]>([]);
  const [removing, setRemoving] = useState<string | null>(null);
  const searchId = useId();
  const cursor = cursors[cursors.length - 1];
  const list = useSuppressions(props.serviceName, { q, cursor });
  const page = list.data;

  const search = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setQ(String(new FormData(event.currentTarget).get("q") ?? "").trim());
    setCursors([]);
  };

  return (
    <section className="card" aria-labelledby={HEADING_ID}>
      <h2 id={HEADING_ID}>{t("web.suppressions.heading")}</h2>
      <p className="muted">{t("web.suppressions.explain")}</p>
      <search>
        <form className="inline-row wrap" onSubmit={search}>
          <label htmlFor={searchId}>{t("web.suppressions.searchLabel")}</label>
          <input id={searchId} name="q" type="search" maxLength={254} autoComplete="off" />
          <button type="submit" className="button button-small">
            {t("web.suppressions.search")}
          </button>
        </form>
      </search>
      {list.isPending && <Loading />}
      <ErrorAlert error={list.error} />
      {page?.items.length === 0 &&
        (q ? (
          <p className="muted">{t("web.suppressions.noMatch", { q })}</p>
        ) : (
          <p className="muted" data-testid="suppressions-empty">
            {t("web.suppressions.empty")}
          </p>
        ))}
      {page && page.items.length > 0 && (
        <div className="table-wrap" aria-busy={list.isPlaceholderData || undefined}>
          <table className="table responsive-table" aria-labelledby={HEADING_ID}>
            <thead>
              <tr>
                <th scope="col">{t("web.suppressions.col.address")}</th>
                <th scope="col">{t("web.suppressions.col.reason")}</th>
                <th scope="col">{t("web.suppressions.col.since")}</th>
                <th scope="col">{t("web.suppressions.col.until")}</th>
                <th scope="col">
                  <span className="visually-hidden">{t("web.suppressions.col.actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((entry) => (
                <SuppressionRow
                  key={entry.address}
                  entry={entry}
                  onRemove={() => setRemoving(entry.address)}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {(cursors.length > 0 || page?.nextCursor) && (
        <CursorPager
          label={t("web.suppressions.pagination")}
          cursors={cursors}
          nextCursor={page?.nextCursor}
          busy={list.isPlaceholderData}
          onChange={setCursors}
        />
      )}
      {removing && (
        <RemoveDialog
          serviceName={props.serviceName}
          address={removing}
          reasonRequired={props.role === "support"}
          onClose={() => setRemoving(null)}
          onDone={() => {
            setRemoving(null);
            props.onNotice(t("web.suppressions.removed", { address: removing }));
          }}
        />
      )}
    </section>
  );
}

function SuppressionRow(props: { entry: SuppressionEntry; onRemove: () => void }) {
  const { t, formatDateTime, formatShortDateTime } = useI18n();
  const { entry } = props;
  const label = (c: "address" | "reason" | "since" | "until") => t(`web.suppressions.col.${c}`);
  return (
    <tr>
      <td data-label={label("address")} className="cell-address">
        <BreakableText text={entry.address} />
      </td>
      <td data-label={label("reason")}>
        <span className="break">{entry.reason}</span>
      </td>
      <td data-label={label("since")} className="nowrap">
        <time dateTime={entry.addedAt} title={formatDateTime(entry.addedAt)}>
          {formatShortDateTime(entry.addedAt)}
        </time>
      </td>
      <td data-label={label("until")} className="nowrap">
        <time dateTime={entry.expiresAt} title={formatDateTime(entry.expiresAt)}>
          {formatShortDateTime(entry.expiresAt)}
        </time>
      </td>
      <td>
        <button
          type="button"
          className="button button-small"
          aria-label={t("web.suppressions.removeLabel", { address: entry.address })}
          onClick={props.onRemove}
        >
          {t("web.suppressions.remove")}
        </button>
      </td>
    </tr>
  );
}

/** The confirmation of a removal: mail to the address is accepted again. Sent once. */
function RemoveDialog(props: {
  serviceName: string;
  address: string;
  reasonRequired: boolean;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const mutation = useRemoveSuppression(props.serviceName);
  const [reasonError, setReasonError] = useState<ReasonError | null>(null);
  // a second click before React disables the button must not send a second request
  const sent = useRef(false);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (sent.current) return;
    const read = readReason(event.currentTarget, props.reasonRequired);
    if (!read.ok) {
      setReasonError(read.error);
      return;
    }
    setReasonError(null);
    sent.current = true;
    mutation.mutate(
      { address: props.address, reason: read.reason },
      {
        onSuccess: props.onDone,
        onError: () => {
          sent.current = false;
        },
      },
    );
  };

  return (
    <Dialog
      title={t("web.suppressions.removeTitle", { address: props.address })}
      onClose={props.onClose}
    >
      <form onSubmit={submit} noValidate className="form">
        <p className="break">{t("web.suppressions.removeExplain", { address: props.address })}</p>
        <ReasonField required={props.reasonRequired} error={reasonError} />
        <ErrorAlert error={mutation.error} />
        <div className="dialog-actions">
          <button type="button" className="button" onClick={props.onClose}>
            {t("web.common.cancel")}
          </button>
          <button type="submit" className="button button-danger" disabled={mutation.isPending}>
            {t("web.suppressions.confirmRemove")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
