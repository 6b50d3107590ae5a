import type { AccountSession } from "@scripts-email/contracts";
import { useState } from "react";
import { DataTable } from "../../../components/data-table.tsx";
import { ErrorAlert } from "../../../components/error-message.tsx";
import { useI18n } from "../../../lib/i18n.tsx";
import { useEndSession } from "../api/end-session.ts";
import { useSessions } from "../api/get-sessions.ts";

/**
 * Where the user is signed in: each session's start and end, this device marked. Any other one
 * can be ended at once (signing out here is the menu's "Sign out").
 */
export function SessionsList() {
  const i18n = useI18n();
  const { t } = i18n;
  const sessions = useSessions();
  const end = useEndSession();
  const [notice, setNotice] = useState<string | null>(null);

  const endOne = (session: AccountSession) => {
    setNotice(null);
    end.mutate(session.id, {
      onSuccess: () =>
        setNotice(t("web.sessions.ended", { at: i18n.formatDateTime(session.createdAt) })),
    });
  };

  return (
    <section className="card" aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">{t("web.sessions.title")}</h2>
      <p className="muted">{t("web.sessions.explain")}</p>
      <div role="status" aria-live="polite">
        {notice && <p className="alert alert-success">{notice}</p>}
      </div>
      <ErrorAlert error={end.error} />
      <DataTable
        query={sessions}
        labelledBy="sessions-heading"
        empty={t("web.sessions.empty")}
        rowKey={(session) => session.id}
        columns={[
          {
            label: t("web.sessions.col.created"),
            // one piece: on a phone the cell's content sits beside its label, badge included
            cell: (session) => (
              <span>
                <time dateTime={session.createdAt}>{i18n.formatDateTime(session.createdAt)}</time>
                {session.current && <span className="badge">{t("web.sessions.thisDevice")}</span>}
              </span>
            ),
          },
          {
            label: t("web.sessions.col.expires"),
            cell: (session) => (
              <time dateTime={session.expiresAt}>{i18n.formatDateTime(session.expiresAt)}</time>
            ),
          },
          {
            label: t("web.sessions.end"),
            cell: (session) =>
              session.current ? (
                <span className="muted">{t("web.sessions.thisDevice")}</span>
              ) : (
                <button
                  type="button"
                  className="button button-small"
                  disabled={end.isPending}
                  aria-label={t("web.sessions.endLabel", {
                    at: i18n.formatDateTime(session.createdAt),
                  })}
                  onClick={() => endOne(session)}
                >
                  {t("web.sessions.end")}
                </button>
              ),
          },
        ]}
      />
    </section>
  );
}
