import type {
  HeldGroupsQuery,
  SelectionFilter,
  SelectionStatus,
  UserRole,
} from "@scripts-email/contracts";

export type GroupBy = HeldGroupsQuery["by"];
export type SelectionKind = "release" | "delete";

/** What a group's release or delete covers: held mail, spam included. */
export const GROUP_STATUSES: readonly SelectionStatus[] = ["held", "spam"];

/**
 * The filter of one group: its script, its subject (the selection matches subjects that contain
 * it), or every recipient at its domain. Null when the key cannot be a filter (no script or no
 * subject): the filter form reaches that mail.
 */
export function groupFilter(by: GroupBy, key: string): Omit<SelectionFilter, "status"> | null {
  if (by === "subject") {
    // a filter's subject is one line of at most 200 characters: its first line still matches
    const subject = (key.split(CONTROL)[0] ?? "").trim().slice(0, MAX_SUBJECT).trim();
    return subject ? { subject } : null;
  }
  if (key === "") return null;
  return by === "script" ? { script: key } : { recipient: `@${key}` };
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it cuts at
const CONTROL = /[\u0000-\u001f\u007f]/;
const MAX_SUBJECT = 200;

/**
 * The statuses an action may cover for `role`: a customer cannot release mail flagged as spam,
 * so it is left out (`spamKept`); nothing left means nothing the customer may release.
 */
export function allowedStatuses(
  kind: SelectionKind,
  role: UserRole,
  wanted: readonly SelectionStatus[],
): { status: SelectionStatus[]; spamKept: boolean } {
  if (kind === "release" && role === "customer" && wanted.includes("spam")) {
    return { status: wanted.filter((s) => s !== "spam"), spamKept: true };
  }
  return { status: [...wanted], spamKept: false };
}
