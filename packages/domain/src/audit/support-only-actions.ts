/**
 * Audit actions a customer never reads, not even on their own hosting's activity log: support's
 * internal notes (that they exist at all must not leak).
 */
export const NOTE_ADDED = "hosting.note_added";
export const NOTE_DELETED = "hosting.note_deleted";

export const SUPPORT_ONLY_ACTIONS: readonly string[] = [NOTE_ADDED, NOTE_DELETED];
