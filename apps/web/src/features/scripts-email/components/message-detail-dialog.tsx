import type { MessageDetail } from "@scripts-email/contracts";
import type { ReactNode } from "react";
import { BreakableText } from "../../../components/breakable-text.tsx";
import { Dialog } from "../../../components/dialog.tsx";
import { ErrorAlert, Loading } from "../../../components/error-message.tsx";
import { useI18n } from "../../../lib/i18n.tsx";
import { formatTimeLeft } from "../../../lib/time-left.ts";
import { useNow } from "../../../lib/use-now.ts";
import { useMe } from "../../auth/api/get-me.ts";
import { useMessage } from "../api/get-message.ts";
import { DeliveryTrace } from "./delivery-trace.tsx";
import { MessageContent } from "./message-content.tsx";
import { MessageSpamCheck, SpamBadge } from "./message-spam-check.tsx";
import { ScriptName } from "./script-name.tsx";

function Summary(props: { message: MessageDetail }) {
  const i18n = useI18n();
  const { t } = i18n;
  const m = props.message;
  const now = useNow();
  const rows: [string, ReactNode][] = [
    [
      t("web.messages.col.status"),
      <span key="status">
        {t(`web.messageStatus.${m.status}`)} {m.spam && <SpamBadge />}
      </span>,
    ],
    [t("web.messages.col.date"), i18n.formatDateTime(m.acceptedAt)],
    [t("web.messages.col.from"), <BreakableText key="from" text={m.from} />],
    [t("web.messages.col.subject"), m.subject || t("web.messages.noSubject")],
    [t("web.messages.col.size"), i18n.formatBytes(m.size)],
    [t("web.message.messageId"), m.messageId ?? "—"],
    [t("web.message.source"), t(`web.message.source.${m.source}`)],
    [t("web.message.scriptName"), <ScriptName key="script" script={m.script} />],
    [t("web.message.script"), m.originatingScript ?? "—"],
    [t("web.message.attemptCount"), i18n.formatNumber(m.attempts.length)],
  ];
  // held mail expires at its hold expiry; queued mail is retried until its delivery deadline
  const waiting = m.status === "queued" || m.status === "sending";
  if (m.status === "held" || waiting) {
    rows.push([
      t(waiting ? "web.message.retriedUntil" : "web.messages.col.expires"),
      `${formatTimeLeft(m.expiresAt, now, i18n)} (${i18n.formatDateTime(m.expiresAt)})`,
    ]);
  }
  if (m.nextAttemptAt)
    rows.push([t("web.message.nextAttempt"), i18n.formatDateTime(m.nextAttemptAt)]);
  if (m.sentAt) rows.push([t("web.message.sentAt"), i18n.formatDateTime(m.sentAt)]);
  return (
    <dl className="facts facts-grid">
      {rows.map(([name, value]) => (
        <div key={name}>
          <dt>{name}</dt>
          <dd className="break">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function Details(props: { serviceName: string; message: MessageDetail }) {
  const i18n = useI18n();
  const { t } = i18n;
  const m = props.message;
  const me = useMe();
  return (
    <>
      <Summary message={m} />
      <MessageSpamCheck message={m} />
      <MessageContent
        serviceName={props.serviceName}
        id={m.id}
        role={me.data?.role}
        kept={m.headers !== null && m.status !== "purged"}
      />
      <DeliveryTrace message={m} />
      <h3>{t("web.message.headers")}</h3>
      {m.headers === null ? (
        <p className="muted">{t("web.message.contentRemoved")}</p>
      ) : (
        <dl className="headers">
          {m.headers.map((h, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: headers repeat (Received) and never reorder
            <div key={`${h.name}-${i}`}>
              <dt>{h.name}</dt>
              <dd className="break">{h.value}</dd>
            </div>
          ))}
        </dl>
      )}
    </>
  );
}

export function MessageDetailDialog(props: {
  serviceName: string;
  id: string;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const message = useMessage(props.serviceName, props.id);
  return (
    <Dialog title={t("web.message.title")} onClose={props.onClose} className="dialog-wide">
      {message.isPending && <Loading />}
      <ErrorAlert error={message.error} />
      {message.data && <Details serviceName={props.serviceName} message={message.data} />}
    </Dialog>
  );
}
