import type { ActorRole, BlockCause, EmailStatus, UserRole } from "@scripts-email/contracts";
import { BreakableText } from "../../../components/breakable-text.tsx";
import { StateBadge } from "../../../components/state-badge.tsx";
import { type I18n, type MessageKey, useI18n } from "../../../lib/i18n.tsx";
import { automaticBlockOf, automaticBlockText, blockReasonText } from "./block-reason.ts";

function blockedByKey(blockedBy: ActorRole, viewer: UserRole): MessageKey {
  if (blockedBy === "system") return "web.state.blockedBy.system";
  if (blockedBy === "support") return "web.state.blockedBy.support";
  return viewer === "customer" ? "web.state.blockedBy.you" : "web.state.blockedBy.customer";
}

/** What to do about an automatic block, by its cause. */
const CAUSE_NOTICE: Partial<Record<BlockCause, MessageKey>> = {
  spam: "web.state.causeNotice.spam",
  bounce: "web.state.causeNotice.bounce",
  burst: "web.state.causeNotice.burst",
};

/**
 * Why it is blocked, in the page's language: the protection's rule with the gauge's limits (its
 * stored reason is English), a person's reason as they wrote it.
 */
function reasonText(status: EmailStatus, t: I18n["t"]): string {
  const automatic =
    status.blockedBy === "system" && status.blockCause
      ? automaticBlockOf(status.blockCause, status.protection)
      : null;
  if (automatic) return automaticBlockText(automatic, t);
  return status.stateReason ? blockReasonText(status.stateReason, t) : t("web.state.noReason");
}

/** The state badge, who or what blocked sending and why, and what is held. */
export function StateSummary(props: { status: EmailStatus; role: UserRole }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { status } = props;
  const blocked = status.state !== "active";
  const causeNotice = status.blockCause ? CAUSE_NOTICE[status.blockCause] : undefined;

  return (
    <section className="card state-card" aria-labelledby="state-heading">
      <div className="state-line">
        <h2 id="state-heading">{t("web.state.heading")}</h2>
        <StateBadge state={status.state} />
      </div>
      <dl className="facts">
        {blocked && status.blockedBy && (
          <div>
            <dt>{t("web.state.blockedByLabel")}</dt>
            <dd>{t(blockedByKey(status.blockedBy, props.role))}</dd>
          </div>
        )}
        {blocked && status.blockCause && (
          <div>
            <dt>{t("web.state.causeLabel")}</dt>
            <dd data-cause={status.blockCause}>{t(`web.state.blockCause.${status.blockCause}`)}</dd>
          </div>
        )}
        {blocked && (
          <div>
            <dt>{t("web.state.reasonLabel")}</dt>
            <dd>{reasonText(status, t)}</dd>
          </div>
        )}
        <div>
          <dt>{t("web.state.sinceLabel")}</dt>
          <dd>
            <time dateTime={status.stateChangedAt}>
              {i18n.formatDateTime(status.stateChangedAt)}
            </time>
          </dd>
        </div>
        {status.held > 0 && (
          <div>
            <dt>{t("web.state.heldLabel")}</dt>
            <dd>
              {i18n.formatNumber(status.held)}
              {status.nextExpiry &&
                ` — ${t("web.state.nextExpiry", { date: i18n.formatDateTime(status.nextExpiry) })}`}
            </dd>
          </div>
        )}
        {status.spam > 0 && (
          <div>
            <dt>{t("web.state.spamLabel")}</dt>
            <dd>{i18n.formatNumber(status.spam)}</dd>
          </div>
        )}
        {status.heldScripts.length > 0 && (
          <div>
            <dt>{t("web.state.heldScriptsLabel")}</dt>
            <dd>
              <BreakableText text={status.heldScripts.join(", ")} />
            </dd>
          </div>
        )}
      </dl>
      {status.state === "blocked" &&
        props.role === "customer" &&
        status.blockedBy === "support" && (
          <p className="alert alert-warning">{t("web.state.supportBlockNotice")}</p>
        )}
      {status.state === "blocked" && causeNotice && (
        <p className="alert alert-info">{t(causeNotice)}</p>
      )}
      {status.state === "blocked" && <p className="muted">{t("web.state.blockedNotice")}</p>}
      {status.state === "purging" && (
        <div className="alert alert-info" role="status">
          <span className="spinner" aria-hidden="true" />
          {t("web.state.purgingNotice")}
        </div>
      )}
    </section>
  );
}
