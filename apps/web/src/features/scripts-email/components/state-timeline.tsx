import type { StateChange, UserRole } from "@scripts-email/contracts";
import { ErrorAlert, Loading } from "../../../components/error-message.tsx";
import { type I18n, useI18n } from "../../../lib/i18n.tsx";
import { useEmailHistory } from "../api/get-email-history.ts";
import { blockReasonText } from "./block-reason.ts";

/** Who made a change of state, as the viewer reads it ("by support (sofia@…)", "automatically"). */
export function actorText(
  change: Pick<StateChange, "actorRole" | "actorEmail">,
  viewer: UserRole,
  i18n: I18n,
): string {
  const { t } = i18n;
  if (change.actorRole === "system") return t("web.history.by.system");
  if (change.actorRole === "support") {
    return change.actorEmail
      ? t("web.history.by.supportNamed", { email: change.actorEmail })
      : t("web.history.by.support");
  }
  if (viewer === "customer") return t("web.history.by.you");
  return change.actorEmail
    ? t("web.history.by.customerNamed", { email: change.actorEmail })
    : t("web.history.by.customer");
}

/** The state changes, newest first: the last ten, then ten more each time "Show more" is used. */
export function StateTimeline(props: { serviceName: string; role: UserRole }) {
  const i18n = useI18n();
  const { t } = i18n;
  const history = useEmailHistory(props.serviceName);
  const changes = history.data?.pages.flatMap((page) => page.changes);
  return (
    <section className="card" aria-labelledby="history-heading">
      <h2 id="history-heading">{t("web.history.heading")}</h2>
      {history.isPending && <Loading />}
      <ErrorAlert error={history.error} />
      {changes?.length === 0 && <p className="muted">{t("web.history.empty")}</p>}
      {changes && changes.length > 0 && (
        <ol className="timeline">
          {changes.map((change) => (
            <li key={change.id}>
              <time dateTime={change.at}>{i18n.formatDateTime(change.at)}</time>
              <p>
                {t("web.history.change", {
                  from: t(`state.${change.from}`),
                  to: t(`state.${change.to}`),
                })}{" "}
                <span className="muted">{actorText(change, props.role, i18n)}</span>
              </p>
              {change.reason && (
                <p className="timeline-reason">
                  {t("web.history.reason", {
                    reason:
                      change.actorRole === "system"
                        ? blockReasonText(change.reason, t)
                        : change.reason,
                  })}
                </p>
              )}
            </li>
          ))}
        </ol>
      )}
      {history.hasNextPage && (
        <button
          type="button"
          className="button"
          disabled={history.isFetchingNextPage}
          onClick={() => void history.fetchNextPage()}
        >
          {t("web.history.more")}
        </button>
      )}
    </section>
  );
}
