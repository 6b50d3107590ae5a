import type { HostingNote, HostingNoteList } from "@scripts-email/contracts";
import { type Actor, actorRoleOf } from "../actor.ts";
import type { InternalAuditService } from "../audit/audit-service.ts";
import { NOTE_ADDED, NOTE_DELETED } from "../audit/support-only-actions.ts";
import type { Clock } from "../clock.ts";
import { DomainError } from "../errors.ts";
import { loadVisibleHosting } from "../hosting/hosting-access.ts";
import type { HostingRepository, HostingRow } from "../hosting/hosting-repository.ts";
import type { NoteRepository } from "./note-repository.ts";

/** The most notes a list shows: the newest ones. */
export const NOTES_LIST_MAX = 200;

/**
 * Support's internal notes on a hosting. A customer gets not_found on every call, even on their
 * own hosting, so that whether notes exist cannot be learnt. Any support user may delete any note
 * (notes are the team's, not their author's): the deletion is audited with the note's body and
 * author, so nothing is lost silently.
 */
export interface NoteService {
  /** The newest notes (at most NOTES_LIST_MAX), newest first. */
  list(actor: Actor, serviceName: string): Promise<HostingNoteList>;
  /** Adds a note (body already trimmed and bounded by the contract); audited `hosting.note_added`. */
  create(actor: Actor, serviceName: string, body: string): Promise<HostingNote>;
  /** Deletes a note of this hosting (else not_found); audited `hosting.note_deleted`. */
  remove(actor: Actor, serviceName: string, noteId: string): Promise<void>;
}

export function createNoteService(deps: {
  hostings: HostingRepository;
  notes: NoteRepository;
  audit: InternalAuditService;
  clock: Clock;
}): NoteService {
  const { hostings, notes, audit, clock } = deps;

  async function loadHosting(actor: Actor, serviceName: string): Promise<HostingRow> {
    if (actorRoleOf(actor) === "customer") throw new DomainError("not_found");
    return loadVisibleHosting(hostings, actor, serviceName);
  }

  return {
    async list(actor, serviceName) {
      const hosting = await loadHosting(actor, serviceName);
      const rows = await notes.list(hosting.id, NOTES_LIST_MAX);
      return {
        items: rows.map((r) => ({
          id: r.id,
          body: r.body,
          createdAt: r.createdAt.toISOString(),
          author: { email: r.authorEmail },
        })),
      };
    },

    async create(actor, serviceName, rawBody) {
      const hosting = await loadHosting(actor, serviceName);
      const body = rawBody.trim();
      if (body === "") throw new DomainError("validation_failed", { field: "body" });
      const createdAt = clock.now();
      const authorId = actor.kind === "user" ? actor.userId : null;
      const id = await notes.transaction(async (tx) => {
        const noteId = await notes.add({ hostingId: hosting.id, authorId, body, createdAt }, tx);
        await audit.record(
          { actor, action: NOTE_ADDED, hostingId: hosting.id, details: { noteId } },
          tx,
        );
        return noteId;
      });
      return {
        id,
        body,
        createdAt: createdAt.toISOString(),
        author: { email: actor.kind === "user" ? actor.email : null },
      };
    },

    async remove(actor, serviceName, noteId) {
      const hosting = await loadHosting(actor, serviceName);
      await notes.transaction(async (tx) => {
        const removed = await notes.remove(hosting.id, noteId, tx);
        if (!removed) throw new DomainError("not_found");
        await audit.record(
          {
            actor,
            action: NOTE_DELETED,
            hostingId: hosting.id,
            details: {
              noteId,
              body: removed.body,
              authorId: removed.authorId,
              createdAt: removed.createdAt.toISOString(),
            },
          },
          tx,
        );
      });
    },
  };
}
