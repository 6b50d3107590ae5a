import type { SelectionFilter, SelectionStatus } from "@scripts-email/contracts";

/**
 * Which mail a filter covers, as a condition on one hosting's Message rows (`m`, the hosting's id
 * in `$1`). Every value from the filter is a parameter appended to `params`; only fixed SQL is
 * written here.
 * `releasable` keeps only the mail a release changes (see SelectionRepository.releaseBatch).
 * The hosting and a status (or the script) come first, the order of the (hostingId, status,
 * acceptedAt) and (hostingId, script, acceptedAt) indexes, and acceptedAt bounds their ranges.
 */
export function selectionWhere(
  filter: SelectionFilter,
  params: unknown[],
  options: { releasable?: boolean } = {},
): string {
  const param = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  const statuses = new Set<SelectionStatus>(filter.status ?? ["held", "spam", "queued"]);
  const rowStatuses: Array<"held" | "queued"> = [
    ...(statuses.has("held") || statuses.has("spam") ? (["held"] as const) : []),
    ...(statuses.has("queued") ? (["queued"] as const) : []),
  ];
  // the statuses are written as constants (from a closed list, never from input), so that the
  // planner knows them and bounds the (hostingId, status, acceptedAt) index with them
  const conditions = [
    `m."hostingId" = $1::uuid`,
    `m.status IN (${rowStatuses.map((s) => `'${s}'::"MessageStatus"`).join(", ")})`,
  ];
  // held mail is split by its spam flag; queued mail is queued, flagged or not (released spam)
  if (statuses.has("held") !== statuses.has("spam")) {
    conditions.push(`(m.status <> 'held' OR ${statuses.has("spam") ? "" : "NOT "}m.spam)`);
  }
  // what a release still has to do: held mail, and queued mail not yet marked released
  if (options.releasable) conditions.push(`(m.status = 'held' OR NOT m.released)`);
  if (filter.ids) conditions.push(`m.id = ANY(${param(filter.ids)}::uuid[])`);
  if (filter.script !== undefined) conditions.push(`m.script = ${param(filter.script)}`);
  if (filter.sender !== undefined) {
    conditions.push(`lower(m."envelopeFrom") = lower(${param(filter.sender)})`);
  }
  if (filter.recipient !== undefined) {
    // recipients are stored as the client gave them: compared lower-case
    const recipient = filter.recipient.toLowerCase();
    const match = recipient.startsWith("@")
      ? `lower(r) LIKE ${param(`%${escapeLike(recipient)}`)} ESCAPE '\\'`
      : `lower(r) = ${param(recipient)}`;
    conditions.push(`EXISTS (SELECT 1 FROM unnest(m.recipients) r WHERE ${match})`);
  }
  if (filter.subject !== undefined) {
    conditions.push(`m.subject ILIKE ${param(`%${escapeLike(filter.subject)}%`)} ESCAPE '\\'`);
  }
  if (filter.from !== undefined)
    conditions.push(`m."acceptedAt" >= ${param(filter.from)}::timestamptz`);
  if (filter.to !== undefined) conditions.push(`m."acceptedAt" < ${param(filter.to)}::timestamptz`);
  return conditions.join(" AND ");
}

/** `text` matched literally by LIKE: its wildcards and the escape character escaped. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
