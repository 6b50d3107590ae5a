import { type HostingNote, NOTE_MAX } from "@scripts-email/contracts";
import { type FormEvent, useId, useRef, useState } from "react";
import { Dialog } from "../../../components/dialog.tsx";
import { ErrorAlert, Loading } from "../../../components/error-message.tsx";
import { useI18n } from "../../../lib/i18n.tsx";
import { useAddHostingNote } from "../api/add-hosting-note.ts";
import { useDeleteHostingNote } from "../api/delete-hosting-note.ts";
import { useHostingNotes } from "../api/get-hosting-notes.ts";

const HEADING_ID = "notes-heading";

/**
 * Support's internal notes on the hosting, beside its history: never shown to the customer (the
 * page renders this for support only, and the API answers customers 404). Newest first; a note
 * is plain text as typed, its line breaks kept, a long word or address wrapping.
 */
export function HostingNotes(props: { serviceName: string; onNotice: (text: string) => void }) {
  const { t } = useI18n();
  const notes = useHostingNotes(props.serviceName);
  const [deleting, setDeleting] = useState<HostingNote | null>(null);
  return (
    <section className="card" aria-labelledby={HEADING_ID} data-testid="hosting-notes">
      <h2 id={HEADING_ID}>{t("web.notes.heading")}</h2>
      <p className="muted">{t("web.notes.explain")}</p>
      {notes.isPending && <Loading />}
      <ErrorAlert error={notes.error} />
      {notes.data?.items.length === 0 && <p className="muted">{t("web.notes.empty")}</p>}
      {notes.data && notes.data.items.length > 0 && (
        <ol className="timeline" aria-labelledby={HEADING_ID}>
          {notes.data.items.map((note) => (
            <NoteItem key={note.id} note={note} onDelete={() => setDeleting(note)} />
          ))}
        </ol>
      )}
      <AddNoteForm serviceName={props.serviceName} onNotice={props.onNotice} />
      {deleting && (
        <DeleteNoteDialog
          serviceName={props.serviceName}
          note={deleting}
          onClose={() => setDeleting(null)}
          onDone={() => {
            setDeleting(null);
            props.onNotice(t("web.notes.deleted"));
          }}
        />
      )}
    </section>
  );
}

function NoteItem(props: { note: HostingNote; onDelete: () => void }) {
  const { t, formatDateTime } = useI18n();
  const { note } = props;
  const date = formatDateTime(note.createdAt);
  return (
    <li>
      <p className="inline-row wrap">
        <time dateTime={note.createdAt}>{date}</time>
        <span className="muted break">
          {note.author.email
            ? t("web.notes.by", { email: note.author.email })
            : t("web.notes.byUnknown")}
        </span>
        <button
          type="button"
          className="button button-small"
          aria-label={t("web.notes.deleteLabel", { date })}
          onClick={props.onDelete}
        >
          {t("web.notes.delete")}
        </button>
      </p>
      <p className="note-body">{note.body}</p>
    </li>
  );
}

/** The text as it will be kept (the API trims it too): what the counter and the checks count. */
const kept = (text: string) => text.trim();

function AddNoteForm(props: { serviceName: string; onNotice: (text: string) => void }) {
  const { t } = useI18n();
  const mutation = useAddHostingNote(props.serviceName);
  const [text, setText] = useState("");
  // set by a submit without text; typing clears it
  const [required, setRequired] = useState(false);
  const fieldId = useId();
  const hintId = useId();
  const remaining = NOTE_MAX - kept(text).length;
  const invalid = required || remaining < 0;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (mutation.isPending) return;
    const body = kept(text);
    setRequired(body === "");
    if (body === "" || body.length > NOTE_MAX) return;
    mutation.mutate(
      { body },
      {
        onSuccess: () => {
          setText("");
          props.onNotice(t("web.notes.added"));
        },
      },
    );
  };

  return (
    <form onSubmit={submit} noValidate className="form">
      <div className="field">
        <label htmlFor={fieldId}>{t("web.notes.label")}</label>
        <textarea
          id={fieldId}
          name="body"
          rows={3}
          value={text}
          onChange={(event) => {
            setText(event.target.value);
            setRequired(false);
          }}
          required
          aria-required
          aria-invalid={invalid ? true : undefined}
          aria-describedby={hintId}
        />
        <p id={hintId} className={invalid ? "field-error" : "hint"}>
          {required
            ? t("web.notes.required")
            : remaining < 0
              ? t("web.notes.tooLong", { count: -remaining, max: NOTE_MAX })
              : t("web.notes.remaining", { count: remaining })}
        </p>
      </div>
      <ErrorAlert error={mutation.error} />
      <div>
        <button type="submit" className="button button-primary" disabled={mutation.isPending}>
          {t("web.notes.add")}
        </button>
      </div>
    </form>
  );
}

/** The confirmation of a deletion, showing the note. Sent once. */
function DeleteNoteDialog(props: {
  serviceName: string;
  note: HostingNote;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const mutation = useDeleteHostingNote(props.serviceName);
  // a second click before React disables the button must not send a second request
  const sent = useRef(false);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (sent.current) return;
    sent.current = true;
    mutation.mutate(props.note.id, {
      onSuccess: props.onDone,
      onError: () => {
        sent.current = false;
      },
    });
  };

  return (
    <Dialog title={t("web.notes.deleteTitle")} onClose={props.onClose}>
      <form onSubmit={submit} noValidate className="form">
        <blockquote className="note-body">{props.note.body}</blockquote>
        <p>{t("web.notes.deleteExplain")}</p>
        <ErrorAlert error={mutation.error} />
        <div className="dialog-actions">
          <button type="button" className="button" onClick={props.onClose}>
            {t("web.common.cancel")}
          </button>
          <button
            type="submit"
            className="button button-danger"
            disabled={mutation.isPending}
            data-autofocus
          >
            {t("web.notes.confirmDelete")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
