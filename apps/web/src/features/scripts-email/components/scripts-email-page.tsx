import type { EmailStatus, Me } from "@scripts-email/contracts";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { ErrorAlert, Loading } from "../../../components/error-message.tsx";
import { lazyPart, OnDemand } from "../../../components/on-demand.tsx";
import { isApiError } from "../../../lib/api-client.ts";
import { useI18n } from "../../../lib/i18n.tsx";
import { Link, paths } from "../../../lib/router.tsx";
import { emailKeys } from "../api/email-keys.ts";
import { useEmailStatus } from "../api/get-email-status.ts";
import { ActivityLog } from "./activity-log.tsx";
import { DeliveryErrors } from "./delivery-errors.tsx";
import { EmailActions } from "./email-actions.tsx";
import { EmailCounters } from "./email-counters.tsx";
import { HeldMail } from "./held-mail.tsx";
import { LastReports } from "./last-reports.tsx";
import { MessagesList } from "./messages-list.tsx";
import { ProtectionGauge } from "./protection-gauge.tsx";
import { RecentActions } from "./recent-actions.tsx";
import { RefusedMail } from "./refused-mail.tsx";
import { ReportRecipient } from "./report-recipient.tsx";
import { ScriptsSection } from "./scripts-table.tsx";
import { SenderDomains } from "./sender-domains.tsx";
import { SendingSettings } from "./sending-settings.tsx";
import { StateSummary } from "./state-summary.tsx";
import { StateTimeline } from "./state-timeline.tsx";
import { SuppressionList } from "./suppression-list.tsx";
import { VolumeChartSection } from "./volume-chart.tsx";

/** Support's notes: customers never see them. */
const HostingNotes = lazyPart(() => import("./hosting-notes.tsx").then((m) => m.HostingNotes));

/**
 * The status is polled while the page is visible (faster while mail moves: purging, or released
 * mail on its way out). When it shows a change (a state change made here or elsewhere, or
 * counters), the page's other sections are refreshed too; the end of a purge is announced.
 */
function useRefreshWhenMailMoves(
  serviceName: string,
  status: EmailStatus | undefined,
  onPurgeEnd: () => void,
) {
  const queryClient = useQueryClient();
  const fingerprint = status
    ? [
        status.state,
        status.stateChangedAt,
        status.held,
        status.queued,
        status.sent,
        status.errors,
        status.refusedToday,
      ].join()
    : undefined;
  const previous = useRef({ fingerprint, state: status?.state });
  const onPurgeEndRef = useRef(onPurgeEnd);
  onPurgeEndRef.current = onPurgeEnd;
  useEffect(() => {
    const before = previous.current;
    previous.current = { fingerprint, state: status?.state };
    if (before.fingerprint === undefined || before.fingerprint === fingerprint) return;
    void queryClient.invalidateQueries({
      queryKey: emailKeys.all(serviceName),
      predicate: (q) => q.queryKey[3] !== "status",
    });
    if (before.state !== status?.state) {
      void queryClient.invalidateQueries({ queryKey: ["hostings", "list"] });
    }
    if (before.state === "purging" && status?.state === "active") onPurgeEndRef.current();
  }, [queryClient, serviceName, fingerprint, status?.state]);
}

export function ScriptsEmailPage(props: { serviceName: string; user: Me }) {
  const { t } = useI18n();
  const { serviceName, user } = props;
  const status = useEmailStatus(serviceName);
  const [notice, setNotice] = useState<string | null>(null);
  useRefreshWhenMailMoves(serviceName, status.data, () => setNotice(t("web.state.purgeFinished")));

  const header = (
    <div className="page-head">
      <Link href={paths.hostings()} className="back-link">
        {t("web.nav.backToHostings")}
      </Link>
      <h1 tabIndex={-1}>
        <span className="page-kicker">{t("web.page.kicker")}</span> {serviceName}
      </h1>
      {user.role === "support" && (
        <Link href={paths.audit(serviceName)}>{t("web.audit.forHosting")}</Link>
      )}
    </div>
  );

  if (status.isPending)
    return (
      <>
        {header}
        <Loading />
      </>
    );
  if (status.isError) {
    return (
      <>
        {header}
        {isApiError(status.error) && status.error.status === 404 ? (
          <p role="alert" className="alert alert-error">
            {t("web.page.notFound", { serviceName })}
          </p>
        ) : (
          <ErrorAlert error={status.error} />
        )}
      </>
    );
  }

  const data = status.data;
  return (
    <>
      {header}
      <div role="status" aria-live="polite" className="notice-area">
        {notice && (
          <p className="alert alert-success">
            {notice}
            <button
              type="button"
              className="icon-button"
              aria-label={t("web.common.dismiss")}
              onClick={() => setNotice(null)}
            >
              ×
            </button>
          </p>
        )}
      </div>
      <div className="page-grid">
        <StateSummary status={data} role={user.role} />
        <EmailActions serviceName={serviceName} status={data} user={user} onNotice={setNotice} />
        <EmailCounters
          serviceName={serviceName}
          status={data}
          role={user.role}
          onNotice={setNotice}
        />
        <ProtectionGauge protection={data.protection} spamChecking={data.spamChecking} />
        <ReportRecipient serviceName={serviceName} status={data} onNotice={setNotice} />
        <SenderDomains serviceName={serviceName} role={user.role} onNotice={setNotice} />
        <div className="span-all">
          <ScriptsSection serviceName={serviceName} role={user.role} onNotice={setNotice} />
        </div>
        <div className="span-all">
          <RefusedMail serviceName={serviceName} />
        </div>
        <div className="span-all">
          <SuppressionList serviceName={serviceName} role={user.role} onNotice={setNotice} />
        </div>
        <HeldMail serviceName={serviceName} status={data} role={user.role} />
        <RecentActions serviceName={serviceName} />
        <div className="span-all">
          <VolumeChartSection serviceName={serviceName} />
        </div>
        <div className="span-all">
          <MessagesList serviceName={serviceName} />
        </div>
        <div className="span-all">
          <DeliveryErrors serviceName={serviceName} />
        </div>
        <div className="span-all">
          <LastReports serviceName={serviceName} />
        </div>
        <div className="span-all">
          <StateTimeline serviceName={serviceName} role={user.role} />
        </div>
        {user.role === "support" && (
          <div className="span-all">
            <OnDemand>
              <HostingNotes serviceName={serviceName} onNotice={setNotice} />
            </OnDemand>
          </div>
        )}
        <div className="span-all">
          <SendingSettings serviceName={serviceName} role={user.role} onNotice={setNotice} />
        </div>
        <div className="span-all">
          <ActivityLog serviceName={serviceName} />
        </div>
      </div>
    </>
  );
}
