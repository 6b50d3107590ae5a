import { type MessageBody, reason as reasonSchema, type UserRole } from "@scripts-email/contracts";
import { type FormEvent, type ReactNode, useEffect, useId, useMemo, useRef, useState } from "react";
import { ErrorAlert, Loading } from "../../../components/error-message.tsx";
import { isApiError } from "../../../lib/api-client.ts";
import { useI18n } from "../../../lib/i18n.tsx";
import { useMessageBody } from "../api/get-message-body.ts";
import { framedHtml, htmlAsText } from "./message-html.ts";

type HtmlView = "text" | "page";

/** The HTML part as plain text (the default), or as a page in a frame that runs and loads nothing. */
function HtmlPart(props: { html: string }) {
  const { t } = useI18n();
  const [view, setView] = useState<HtmlView>("text");
  const text = useMemo(() => htmlAsText(props.html), [props.html]);
  const page = useMemo(() => (view === "page" ? framedHtml(props.html) : ""), [props.html, view]);
  const viewButton = (value: HtmlView, label: string) => (
    <button
      type="button"
      className={view === value ? "button button-small button-primary" : "button button-small"}
      aria-pressed={view === value}
      onClick={() => setView(value)}
    >
      {label}
    </button>
  );
  return (
    <>
      <fieldset className="view-switch">
        <legend className="visually-hidden">{t("web.message.htmlView")}</legend>
        {viewButton("text", t("web.message.htmlAsText"))}
        {viewButton("page", t("web.message.htmlAsPage"))}
      </fieldset>
      {view === "text" ? (
        <pre className="message-text">{text}</pre>
      ) : (
        // sandbox="" (no allow-scripts, no allow-same-origin): the document runs no script, cannot
        // reach the panel and submits nothing; its own CSP (FRAME_CSP) lets nothing load
        <iframe
          className="message-frame"
          title={t("web.message.htmlFrame")}
          sandbox=""
          referrerPolicy="no-referrer"
          srcDoc={page}
        />
      )}
    </>
  );
}

function BodyView(props: { body: MessageBody }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { text, html, attachments } = props.body;
  return (
    <>
      {text === null && html === null && <p className="muted">{t("web.message.bodyEmpty")}</p>}
      {text !== null && (
        <>
          <h4>{t("web.message.bodyText")}</h4>
          <pre className="message-text">{text}</pre>
        </>
      )}
      {html !== null && (
        <>
          <h4>{t("web.message.bodyHtml")}</h4>
          <HtmlPart html={html} />
        </>
      )}
      <h4>{t("web.message.attachments")}</h4>
      {attachments.length === 0 ? (
        <p className="muted">{t("web.message.noAttachments")}</p>
      ) : (
        <ul className="plain-list">
          {attachments.map((a, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: attachments may share a name; the list is only ever replaced whole
            <li key={`${a.filename}-${i}`} className="break">
              {a.filename ?? t("web.message.attachmentUnnamed")} —{" "}
              <span className="muted">
                {i18n.formatBytes(a.size)}, {a.contentType}
              </span>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** The server's own words for a body it cannot give (no longer kept, too large). */
function BodyError(props: { error: unknown }) {
  const { error } = props;
  if (
    isApiError(error) &&
    (error.code === "not_found" || error.code === "validation_failed") &&
    error.message
  ) {
    return (
      <p role="alert" className="alert alert-error">
        {error.message}
      </p>
    );
  }
  return <ErrorAlert error={error} />;
}

/** Support says why it reads a customer's message (audited) before the content is fetched. */
function ReasonForm(props: { onSubmit: (reason: string) => void; onCancel: () => void }) {
  const { t } = useI18n();
  const [error, setError] = useState<"required" | "invalid" | null>(null);
  const inputId = useId();
  const hintId = useId();
  const input = useRef<HTMLInputElement>(null);
  // the form replaces the button just pressed: the reader goes on typing where it appears
  useEffect(() => input.current?.focus(), []);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const raw = String(new FormData(event.currentTarget).get("reason") ?? "").trim();
    if (!raw) {
      setError("required");
      return;
    }
    const parsed = reasonSchema.safeParse(raw);
    if (!parsed.success) {
      setError("invalid");
      return;
    }
    props.onSubmit(parsed.data);
  };
  return (
    <form onSubmit={submit} noValidate className="form">
      <div className="field">
        <label htmlFor={inputId}>{t("web.message.bodyReason")}</label>
        <input
          ref={input}
          id={inputId}
          name="reason"
          type="text"
          maxLength={500}
          required
          aria-required
          aria-invalid={error ? true : undefined}
          aria-describedby={hintId}
        />
        <p id={hintId} className={error ? "field-error" : "hint"}>
          {error === "required"
            ? t("web.message.bodyReasonRequired")
            : error === "invalid"
              ? t("web.action.reasonInvalid")
              : t("web.message.bodyReasonHint")}
        </p>
      </div>
      <div className="dialog-actions">
        <button type="button" className="button" onClick={props.onCancel}>
          {t("web.common.cancel")}
        </button>
        <button type="submit" className="button button-primary">
          {t("web.message.showBody")}
        </button>
      </div>
    </form>
  );
}

/**
 * A message's content on demand: "Show content" (support first gives a reason), then the text
 * part, the HTML part as text or as a sandboxed page, and the attachments by name and size.
 */
export function MessageContent(props: {
  serviceName: string;
  id: string;
  role: UserRole | undefined;
  /** False once the content was removed: nothing to ask for. */
  kept: boolean;
}) {
  const { t } = useI18n();
  const [request, setRequest] = useState<{ reason?: string } | null>(null);
  const [askingReason, setAskingReason] = useState(false);
  const body = useMessageBody(props.serviceName, props.id, request);
  const headingId = useId();

  let content: ReactNode;
  if (!props.kept) {
    content = <p className="muted">{t("web.message.contentRemoved")}</p>;
  } else if (request === null) {
    content = askingReason ? (
      <ReasonForm
        onSubmit={(reason) => setRequest({ reason })}
        onCancel={() => setAskingReason(false)}
      />
    ) : (
      <button
        type="button"
        className="button"
        onClick={() => (props.role === "support" ? setAskingReason(true) : setRequest({}))}
      >
        {t("web.message.showBody")}
      </button>
    );
  } else if (body.isPending) {
    content = <Loading />;
  } else if (body.error) {
    content = <BodyError error={body.error} />;
  } else {
    content = body.data ? <BodyView body={body.data} /> : null;
  }

  return (
    <section aria-labelledby={headingId}>
      <h3 id={headingId}>{t("web.message.body")}</h3>
      {content}
    </section>
  );
}
